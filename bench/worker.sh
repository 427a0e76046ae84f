#!/usr/bin/env bash
# The worker's overhead on a real job: the same spec (samples/jobs/campaign-social.json: five renditions,
# the hashtag, thumbnails, contact sheet) run by `mediaworker process` and by `work --drain` on a SQLite queue
# (timed: process start, queue open, claim, child process start, heartbeats, result recording; not timed: the
# `jobs enqueue` before each run, which is the upload hook's cost, not the worker's). RUNS interleaved runs
# (default 5), medians of CPU, wall and peak RSS, ratios worker/process.
#   swift build -c release --product mediaworker && bench/worker.sh
# Not a test: the bar (≤ 3 % of wall time) is read by people.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_mediaworker
MW=$MEDIAWORKER

bench_init worker-overhead
SPEC=$PWD/samples/jobs/campaign-social.json
cat > "$BENCH_WORK/through-queue.sh" <<SH
#!/usr/bin/env bash
set -euo pipefail
rm -rf "$BENCH_WORK/worker-out"
"$MW" work --drain --queue "sqlite:$BENCH_WORK/queue.sqlite" --input-root samples --output-root "$BENCH_WORK/worker-out" --log-level warning
SH
chmod +x "$BENCH_WORK/through-queue.sh"
bench_case worker - "$BENCH_WORK/through-queue.sh"
bench_prep worker "$MW" jobs enqueue "$SPEC" --input-root samples --queue "sqlite:$BENCH_WORK/queue.sqlite"
cat > "$BENCH_WORK/process.sh" <<SH
#!/usr/bin/env bash
set -euo pipefail
rm -rf "$BENCH_WORK/process-out"
"$MW" process "$SPEC" --input-root samples --output "$BENCH_WORK/process-out" --progress none
SH
chmod +x "$BENCH_WORK/process.sh"
bench_case process - "$BENCH_WORK/process.sh"
bench_run
bench_report worker process "samples/jobs/campaign-social.json: work --drain (one queued job) vs process"
