#!/usr/bin/env bash
# The whole test suite: installs what it needs, starts a throwaway PostgreSQL for the queue's contract
# suite, runs `swift test`, then `mediaworker verify` on the sample jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cleanup() { [[ -n "${PG_STARTED:-}" ]] && scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [[ -z "${MEDIAWORKER_TEST_POSTGRES_URL:-}" && -x scripts/pg-test-cluster.sh ]]; then
  eval "$(scripts/pg-test-cluster.sh start)"
  PG_STARTED=1
fi

scripts/stamp-version.sh   # bakes `git describe` into the build: StandaloneMetricsTests checks --version
swift build --build-tests
# Two runs of the one suite. The media tests do their (blocking) frame work from synchronous test functions,
# which swift-testing runs on the cooperative pool — two threads on this 2-core machine — so run side by side
# they starve the async tests of the server, worker and queue for minutes (HTTP read timeouts, polls that
# wake after the job is over). The async half runs on its own; its heavy work happens in child processes.
ASYNC='ServerTests|WorkerTests|QueueTests|ReliabilityTests'
swift test --skip-build --skip "$ASYNC"
swift test --skip-build --filter "$ASYNC"

# The sample jobs against their expected-output manifests (samples/expected/), with the debug binary
# `swift build` made: a failed check prints its row and fails the run.
"$(swift build --show-bin-path)/mediaworker" verify samples
