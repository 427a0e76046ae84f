#!/usr/bin/env bash
# Queue overhead with no-op jobs (claim → heartbeat → complete), 4 concurrent claimers, on SQLite and on a
# throwaway PostgreSQL cluster. RUNS runs per driver (default 5); prints each run and the medians, writes
# bench/results/queue-<time>.json. Not a test: the bar (≥ 500 jobs/s on each) is read by people.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
JOBS=${JOBS:-2000}
CLAIMERS=${CLAIMERS:-4}
swift build -c release --product queue-bench >&2
BIN=.build/release/queue-bench

cleanup() { [[ -n "${PG_STARTED:-}" ]] && scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true; rm -f /tmp/mw-queue-bench.sqlite*; }
trap cleanup EXIT
if [[ -z "${MEDIAWORKER_TEST_POSTGRES_URL:-}" ]]; then
  eval "$(scripts/pg-test-cluster.sh start)"
  PG_STARTED=1
fi

lines=()
for ((i = 1; i <= RUNS; i++)); do
  for url in "sqlite:/tmp/mw-queue-bench.sqlite" "$MEDIAWORKER_TEST_POSTGRES_URL"; do
    line=$("$BIN" --queue "$url" --jobs "$JOBS" --claimers "$CLAIMERS")
    echo "$line" >&2
    lines+=("$line")
  done
done
mkdir -p bench/results
out=bench/results/queue-$(date -u +%Y-%m-%dT%H%M%SZ).json
printf '%s\n' "${lines[@]}" | python3 -c '
import json, statistics, sys, platform, os
runs = [json.loads(l) for l in sys.stdin]
summary = {}
for d in ("sqlite", "postgres"):
    rates = [r["jobs_per_second"] for r in runs if r["driver"] == d]
    summary[d] = {"median_jobs_per_second": statistics.median(rates), "runs": rates}
doc = {"benchmark": "queue no-op jobs, claim+heartbeat+complete", "jobs": runs[0]["jobs"],
       "claimers": runs[0]["claimers"], "cpus": os.cpu_count(), "summary": summary, "runs": runs}
json.dump(doc, open(sys.argv[1], "w"), indent=2)
for d, s in summary.items():
    m, r = s["median_jobs_per_second"], s["runs"]
    print(d + ": median %.0f jobs/s over %d runs %s" % (m, len(r), r))
' "$out"
echo "results: $out"
