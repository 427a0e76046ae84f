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

swift build --build-tests
swift test --skip-build

# The sample jobs against their expected-output manifests (samples/expected/), with the debug binary
# `swift build` made: a failed check prints its row and fails the run.
"$(swift build --show-bin-path)/mediaworker" verify samples
