#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with Swift 6: installs what is missing, builds, enqueues the sample
# jobs into the embedded SQLite queue (var/queue.sqlite) and runs the worker until the queue is drained,
# printing each job's outcome and where its outputs are.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/stamp-version.sh   # `mediaworker --version` prints this checkout's git describe
swift build -c release --product mediaworker
MW=.build/release/mediaworker
QUEUE=${MEDIAWORKER_QUEUE:-sqlite:var/queue.sqlite}
OUT=${OUT:-out/jobs}
RUN=$(date -u +%Y%m%dT%H%M%SZ)

# The sample campaign clip through jobs/social.json (five renditions, the hashtag, thumbnails, a contact
# sheet); the portrait phone clip through social.json too; a thumbnails-only job. Keys make a re-delivery of
# the same run idempotent; each run of this script is a new run.
ids=()
for job in campaign-social portrait-social campaign-thumbnails; do
  ids+=("$("$MW" jobs enqueue "samples/jobs/$job.json" --input-root samples --queue "$QUEUE" --key "main:$RUN:$job")")
done

"$MW" work --drain --queue "$QUEUE" --input-root samples --output-root "$OUT" --log-level "${LOG_LEVEL:-notice}"

echo
status=0
for id in "${ids[@]}"; do
  "$MW" jobs show "$id" --queue "$QUEUE"
  state=$("$MW" jobs show "$id" --queue "$QUEUE" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"]["state"])')
  if [[ "$state" == succeeded ]]; then echo "outputs: $OUT/$id/"; else status=1; fi
  echo
done
"$MW" jobs stats --queue "$QUEUE"
exit $status
