#!/usr/bin/env bash
# Load run: JOBS jobs (default 1000) through WORKERS worker processes (default 2) sharing one PostgreSQL queue.
# The mix, by job number: 5 % small transcodes (one 480p rendition of a sample), 10 % hostile inputs (five kinds,
# each with the cause its job must die of), the rest thumbnails-only jobs on the two sample videos. The jobs
# are enqueued while the workers already run (as the upload hook would), four enqueuers at a time.
#
# Checked at the end, each a failure of this script when it does not hold:
#   - every job ended `succeeded` or `dead`: none queued, running, failed or cancelled (lost);
#   - the dead jobs are exactly the hostile ones, each dead of its own cause after one attempt; every other
#     job succeeded on its first attempt, with its result.json and every output it lists on disk;
#   - no job's attempts overlap in time, no job has two succeeded attempts (run twice at the same time);
#   - nothing is left in the output root but the jobs' final folders (no staging leftovers).
# Measured and reported (not a pass/fail bar): each worker's RSS (the long-lived worker process; attempts run
# in child processes) when the first 100 jobs are done and at the end, wall time, jobs/s.
#
#   swift build -c release --product mediaworker && bench/load.sh        # JOBS=1000 WORKERS=2
# Needs PostgreSQL 15 (scripts/pg-test-cluster.sh installs it as root); writes bench/results/load-*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_mediaworker
MW=$MEDIAWORKER
JOBS=${JOBS:-1000}
WORKERS=${WORKERS:-2}
[[ $JOBS =~ ^[1-9][0-9]*$ && $JOBS -ge 100 ]] || bench_die "JOBS must be a number ≥ 100 (got '$JOBS')"
command -v psql >/dev/null || bench_die "psql not found (apt-get install postgresql-client)"

bench_init load
W=$BENCH_WORK
export MEDIAWORKER_PG_STATE=$W/pg.env
cleanup_load() {
  for pid in ${WORKER_PIDS:-}; do kill -TERM "$pid" 2>/dev/null || true; done
  scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true
  [[ ${BENCH_KEEP:-0} == 1 ]] || rm -rf "$W"
}
trap cleanup_load EXIT
URL=$(scripts/pg-test-cluster.sh start | sed -n 's/.*MEDIAWORKER_TEST_POSTGRES_URL=//p')
[[ -n $URL ]] || bench_die "could not start PostgreSQL"
sql() { psql "$URL" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }

# Inputs: the samples, and the hostile files.
IN=$W/in OUT=$W/out
mkdir -p "$IN" "$OUT"
cp samples/campaign-16x9.mp4 samples/portrait-9x16-rotated.mp4 samples/watermark.png "$IN/"
: >"$IN/empty.mp4"
head -c 65536 /dev/urandom >"$IN/random.mp4"
printf '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n' >"$IN/playlist.mp4"
printf "ffconcat version 1.0\nfile '/etc/passwd'\n" >"$IN/concat.mp4"
ffmpeg -hide_banner -nostdin -v error -y -f lavfi -i sine=f=440:r=48000:d=2 -c:a aac "$IN/audio.m4a"
HOSTILE_FILES=(empty.mp4 random.mp4 playlist.mp4 concat.mp4 audio.m4a)
HOSTILE_CAUSES=("the file is empty" "damaged or truncated media file" "format 'hls' is not allowed"
  "format 'concat' is not allowed" "no video stream")

# The specs, one file per kind; job i's kind is a function of i (kind_of), so the checks know what to expect.
SPECS=$W/specs
mkdir -p "$SPECS"
for v in campaign-16x9 portrait-9x16-rotated; do
  echo "{\"version\":1,\"input\":\"$v.mp4\",\"thumbnails\":{\"count\":4,\"width\":320,\"avoid_black\":true}}" >"$SPECS/thumbs-$v.json"
done
echo '{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"480p","width":854,"height":480,"fit":"contain","preset":"veryfast","crf":26}],"watermark":{"image":"watermark.png","anchor":"bottom-right","scale":0.2}}' >"$SPECS/transcode.json"
for k in "${!HOSTILE_FILES[@]}"; do
  echo "{\"version\":1,\"input\":\"${HOSTILE_FILES[$k]}\",\"thumbnails\":{\"count\":2,\"width\":160}}" >"$SPECS/hostile-$k.json"
done
kind_of() { # i → spec name
  local i=$1
  if ((i % 20 == 0)); then echo transcode
  elif ((i % 10 == 5)); then echo "hostile-$(((i / 10) % 5))"
  elif ((i % 2 == 0)); then echo thumbs-campaign-16x9
  else echo thumbs-portrait-9x16-rotated; fi
}

# The workers, on the (empty) queue; they wait for work (LISTEN/NOTIFY).
WORKER_PIDS=""
for n in $(seq 1 "$WORKERS"); do
  "$MW" work --queue "$URL" --input-root "$IN" --output-root "$OUT" --jobs-dir jobs --log-level warning \
    >"$W/worker-$n.out" 2>"$W/worker-$n.err" &
  WORKER_PIDS+=" $!"
done
rss_of() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
finished() { sql "SELECT count(*) FROM jobs WHERE state IN ('succeeded', 'dead')"; }

# Enqueue: job i gets the idempotency key load-i (so the checks find it by number).
START=$(date +%s.%N)
bench_log "enqueuing $JOBS jobs while $WORKERS workers run"
seq 1 "$JOBS" | while read -r i; do echo "$i $(kind_of "$i")"; done |
  xargs -P 4 -L 1 sh -c '"$0" jobs enqueue --queue "$1" --input-root "$2" --jobs-dir jobs --key "load-$4" "$3/$5.json" >/dev/null' \
    "$MW" "$URL" "$IN" "$SPECS" >"$W/enqueue.log" 2>&1 ||
  { cat "$W/enqueue.log" >&2; bench_die "enqueue failed"; }
ENQUEUED=$(date +%s.%N)

# Watch: RSS of each worker against jobs finished, every 2 s.
echo "seconds finished$(for n in $(seq 1 "$WORKERS"); do printf ' rss%d_kb' "$n"; done)" >"$W/rss.txt"
DEADLINE=$(($(date +%s) + JOBS * 3 + 600))
while :; do
  done_now=$(finished)
  line="$(awk -v s="$START" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }') $done_now"
  for pid in $WORKER_PIDS; do
    kill -0 "$pid" 2>/dev/null || bench_die "worker $pid exited early: $(tail -n 20 "$W"/worker-*.err)"
    line+=" $(rss_of "$pid")"
  done
  echo "$line" >>"$W/rss.txt"
  ((done_now >= JOBS)) && break
  (($(date +%s) < DEADLINE)) || bench_die "only $done_now of $JOBS jobs finished before the deadline"
  sleep 2
done
END=$(date +%s.%N)
for pid in $WORKER_PIDS; do kill -TERM "$pid"; done
for pid in $WORKER_PIDS; do wait "$pid" || bench_die "worker $pid exited with status $? after SIGTERM"; done
WORKER_PIDS=""

# Checks.
FAILURES=0
fail() { echo "load: FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
STATES=$(sql "SELECT state || ' ' || count(*) FROM jobs GROUP BY state ORDER BY state")
TOTAL=$(sql "SELECT count(*) FROM jobs")
((TOTAL == JOBS)) || fail "$TOTAL jobs in the queue, $JOBS enqueued"
LOST=$(sql "SELECT count(*) FROM jobs WHERE state NOT IN ('succeeded', 'dead')")
((LOST == 0)) || fail "$LOST jobs neither succeeded nor dead: $(sql "SELECT key || ' ' || state FROM jobs WHERE state NOT IN ('succeeded', 'dead') LIMIT 5")"
OVERLAPS=$(sql "SELECT count(*) FROM job_attempts a JOIN job_attempts b ON a.job_id = b.job_id AND a.attempt < b.attempt
  WHERE b.started_at < coalesce(a.ended_at, 'infinity')")
((OVERLAPS == 0)) || fail "$OVERLAPS pairs of attempts of one job overlap in time"
TWICE=$(sql "SELECT count(*) FROM (SELECT job_id FROM job_attempts WHERE outcome = 'succeeded' GROUP BY job_id HAVING count(*) > 1) t")
((TWICE == 0)) || fail "$TWICE jobs succeeded more than once"

# Each job against its kind: key, state, attempts, error, id — one query, checked line by line.
sql "SELECT substr(key, 6) || '|' || state || '|' || attempts || '|' || id || '|' || coalesce(replace(error, E'\n', ' '), '')
     FROM jobs ORDER BY substr(key, 6)::int" >"$W/jobs.txt"
WRONG_DEAD=0 WRONG_OK=0 MISSING_OUT=0
while IFS='|' read -r i state attempts id error; do
  kind=$(kind_of "$i")
  if [[ $kind == hostile-* ]]; then
    cause=${HOSTILE_CAUSES[${kind#hostile-}]}
    if [[ $state != dead || $attempts != 1 || $error != *"$cause"* ]]; then
      WRONG_DEAD=$((WRONG_DEAD + 1))
      ((WRONG_DEAD <= 5)) && fail "job $i ($kind) should be dead after 1 attempt of '$cause': $state after $attempts: $error"
    fi
    [[ ! -e $OUT/$id ]] || fail "job $i ($kind) left $OUT/$id"
  else
    if [[ $state != succeeded || $attempts != 1 ]]; then
      WRONG_OK=$((WRONG_OK + 1))
      ((WRONG_OK <= 5)) && fail "job $i ($kind) should have succeeded on its first attempt: $state after $attempts: $error"
    else
      echo "$i $kind $OUT/$id" >>"$W/succeeded.txt"
    fi
  fi
done <"$W/jobs.txt"
# Every succeeded job's result.json lists outputs, each on disk with the size it records (one pass).
MISSING_OUT=$(python3 - "$W/succeeded.txt" <<'PY'
import json, os, sys
bad = 0
for line in open(sys.argv[1]):
    i, kind, d = line.split()
    try:
        r = json.load(open(d + "/result.json"))
        ok = r["outputs"] and all(os.path.getsize(d + "/" + o["path"]) == o["bytes"] for o in r["outputs"])
    except (OSError, ValueError, KeyError):
        ok = False
    if not ok:
        bad += 1
        if bad <= 5:
            print(f"load: FAIL: job {i} ({kind}): result.json or an output it lists is missing in {d}", file=sys.stderr)
print(bad)
PY
)
((MISSING_OUT == 0)) || FAILURES=$((FAILURES + 1))
STRAY=$(find "$OUT" -mindepth 1 -maxdepth 1 | while read -r p; do
  grep -q "|$(basename "$p")|" "$W/jobs.txt" || echo "$p"; done | wc -l)
((STRAY == 0)) || fail "$STRAY entries in the output root that are no job's folder"
ERRLOG=$(cat "$W"/worker-*.err | grep -c -i -E "error|critical" || true)
ENQ_WARN=$(grep -c -i -E "warning|error" "$W/enqueue.log" || true)

# RSS: per worker, when the first 100 jobs were done, and the largest over the last 100 jobs.
RSS_REPORT=$(awk -v jobs="$JOBS" 'NR == 1 { next }
  { if (!early && $2 >= 100) { early = 1; for (k = 3; k <= NF; k++) first[k] = $k }
    if ($2 >= jobs - 100) for (k = 3; k <= NF; k++) if ($k > last[k]) last[k] = $k
    n = NF }
  END { for (k = 3; k <= n; k++) printf "%s{\"worker\": %d, \"rss_kb_at_100\": %d, \"rss_kb_last_100_max\": %d, \"growth\": %.3f}",
          (k > 3 ? ", " : ""), k - 2, first[k], last[k], (first[k] > 0 ? last[k] / first[k] : 0) }' "$W/rss.txt")
PER_WORKER=$(sql "SELECT worker_id || ' ' || count(*) FROM job_attempts GROUP BY worker_id ORDER BY worker_id" | tr '\n' ';')
WALL=$(awk -v s="$START" -v e="$END" 'BEGIN { printf "%.1f", e - s }')
ENQ=$(awk -v s="$START" -v e="$ENQUEUED" 'BEGIN { printf "%.1f", e - s }')
RATE=$(awk -v w="$WALL" -v j="$JOBS" 'BEGIN { printf "%.2f", j / w }')

mkdir -p "$BENCH_RESULTS"
RESULT=$BENCH_RESULTS/load-$(date -u +%Y-%m-%dT%H%M%SZ).json
cat >"$RESULT" <<JSON
{
  "benchmark": "load",
  "description": "$JOBS jobs (thumbnails-only, 5 % transcodes, 10 % hostile) through $WORKERS workers on one PostgreSQL queue",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "host": {"cores": $(nproc), "kernel": "$(uname -sr)"},
  "jobs": $JOBS, "workers": $WORKERS,
  "wall_s": $WALL, "enqueue_s": $ENQ, "jobs_per_s": $RATE,
  "states": "$(echo "$STATES" | tr '\n' ';')",
  "attempts_per_worker": "$PER_WORKER",
  "lost": $LOST, "overlapping_attempts": $OVERLAPS, "succeeded_twice": $TWICE,
  "wrong_dead": $WRONG_DEAD, "wrong_succeeded": $WRONG_OK, "missing_outputs": $MISSING_OUT, "stray_entries": $STRAY,
  "worker_log_error_lines": $ERRLOG, "enqueue_log_warning_lines": $ENQ_WARN,
  "rss": [$RSS_REPORT],
  "failures": $FAILURES
}
JSON
cp "$W/rss.txt" "${RESULT%.json}.rss.txt"
cat "$RESULT"
((FAILURES == 0)) || bench_die "$FAILURES checks failed (BENCH_KEEP=1 keeps $W)"
echo "load: all $JOBS jobs accounted for: $(echo "$STATES" | tr '\n' ' ')"
