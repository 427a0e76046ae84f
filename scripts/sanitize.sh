#!/usr/bin/env bash
# scripts/sanitize.sh address|thread — the whole test suite under AddressSanitizer (with LeakSanitizer) or
# ThreadSanitizer, the way scripts/test.sh runs it: a throwaway PostgreSQL, the suite in its two halves
# (split by ASYNC), then `mediaworker verify samples`, all with the sanitized build in its own scratch path
# (.build-asan / .build-tsan). The `mediaworker` binary the tests start (the worker's attempts, the CLI tests,
# `verify`) is that sanitized build too.
#
# Every sanitized process — the test runner, each `mediaworker` it starts, their children (the options are in
# the environment, which they inherit) — writes its reports to a file in $SCRATCH/sanitizer-reports instead
# of stderr, where a test that reads or discards a child's stderr would swallow them. The script runs every
# step even after one fails, then prints every report file, and fails if any step failed or any report exists.
#
# Environment: SANITIZE_SKIP_BUILD=1 reuses the existing build. Extra arguments after the sanitizer replace the
# two halves and `verify` with one `swift test` run taking them (e.g. `--filter WorkerTests`, while triaging).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SANITIZER=${1:-}
case $SANITIZER in
  address) SCRATCH=.build-asan ;;
  thread) SCRATCH=.build-tsan ;;
  *) echo "usage: scripts/sanitize.sh address|thread [swift test arguments]" >&2; exit 2 ;;
esac
shift
EXTRA=("$@")
say() { echo "sanitize.sh ($SANITIZER): $*" >&2; }

scripts/setup.sh || exit 1

# Tests whose measurement a sanitizer's own bookkeeping distorts: taken out of the two halves and run on their
# own afterwards, with the option that removes the distortion (each with its reason, printed below). Keep this
# list minimal: a test that fails under a sanitizer is a finding until shown otherwise.
APART=()
APART_OPTIONS=()
APART_REASONS=()
case $SANITIZER in
  address)
    APART+=(MemoryTests)
    APART_OPTIONS+=(quarantine_size_mb=0)
    APART_REASONS+=("it compares the peak RSS of a 10 s and a 60 s job, and ASan's quarantine keeps up to 256 MB of freed blocks on purpose (to catch a use after free): the longer job fills it, the shorter does not (476 MB vs 247 MB). Run with the quarantine off: every other check (overflows, leaks, a use after free of memory not yet reused) stays on")
    ;;
esac

REPORTS=$ROOT/$SCRATCH/sanitizer-reports
LOGS=$ROOT/$SCRATCH/sanitize-logs
BUILD=(--scratch-path "$SCRATCH" --sanitize="$SANITIZER")
SYMBOLIZER=$(command -v llvm-symbolizer || echo "$(dirname "$(readlink -f "$(command -v swift)")")/llvm-symbolizer")

STATUS=0
SUMMARY=()
step() { # step NAME COMMAND...: runs, times and logs one step; a failure is recorded and the script goes on
  local name=$1; shift
  local log=$LOGS/$name.log started=$SECONDS rc
  say "== $name: $*"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local took=$((SECONDS - started))
  local tests
  tests=$(grep -aE 'Test run with [0-9]+ tests?' "$log" | tail -n 1 | sed -E 's/^[^A-Za-z]*//')
  SUMMARY+=("$name: exit $rc after $((took / 60)) min $((took % 60)) s${tests:+ — $tests}")
  ((rc == 0)) || STATUS=1
  return "$rc"
}

mkdir -p "$LOGS"
if [[ "${SANITIZE_SKIP_BUILD:-0}" != 1 ]]; then
  # The sanitizer options are set only after the build: the compiler and SwiftPM are not sanitized.
  if ! step build swift build "${BUILD[@]}" --build-tests; then
    say "the build failed; see $LOGS/build.log"
    exit 1
  fi
fi
BIN=$(swift build "${BUILD[@]}" --show-bin-path)
[[ -x $BIN/mediaworker ]] || { say "no sanitized mediaworker at $BIN"; exit 1; }

# A cluster of this script's own (its own state file): the default one may belong to another run on this
# machine (scripts/test.sh, a benchmark), which this script must neither reuse nor stop.
export MEDIAWORKER_PG_STATE=${MEDIAWORKER_PG_STATE:-$ROOT/$SCRATCH/pg-test.env}
cleanup() { [[ -n "${PG_STARTED:-}" ]] && scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [[ -z "${MEDIAWORKER_TEST_POSTGRES_URL:-}" && -x scripts/pg-test-cluster.sh ]]; then
  PG_EXPORT=$(scripts/pg-test-cluster.sh start) || exit 1
  eval "$PG_EXPORT"
  PG_STARTED=1
fi

rm -rf "$REPORTS"
mkdir -p "$REPORTS"
COMMON="log_path=$REPORTS/$SANITIZER:external_symbolizer_path=$SYMBOLIZER:print_suppressions=0"
case $SANITIZER in
  address)
    # halt_on_error: ASan's errors are fatal anyway (Swift and clang build without -fsanitize-recover).
    # Leak detection stays on (LeakSanitizer runs at each sanitized process's exit); scripts/lsan.supp lists,
    # with a reason each, the process-lifetime allocations of uninstrumented libraries it must not report.
    export ASAN_OPTIONS="$COMMON:halt_on_error=1:detect_leaks=1"
    export LSAN_OPTIONS="suppressions=$ROOT/scripts/lsan.supp:print_suppressions=0"
    ;;
  thread)
    # halt_on_error=0: a race is reported and the process goes on, so one run collects every report (each
    # run takes the better part of an hour); the reports are files either way and any of them fails the
    # script. history_size=4: the "previous access" of a race needs a longer history on this long suite.
    export TSAN_OPTIONS="$COMMON:halt_on_error=0:history_size=4:second_deadlock_stack=1:suppressions=$ROOT/scripts/tsan.supp"
    ;;
esac
say "options: ${ASAN_OPTIONS:-${TSAN_OPTIONS:-}}"

SKIP_ARGS=()
for i in "${!APART[@]}"; do
  say "${APART[$i]} runs apart, with ${APART_OPTIONS[$i]}: ${APART_REASONS[$i]}"
  SKIP_ARGS+=(--skip "${APART[$i]}")
done

if ((${#EXTRA[@]})); then
  # Part of the suite, while triaging: one run with the given arguments (the tests run apart are left out).
  step tests swift test --skip-build "${BUILD[@]}" "${SKIP_ARGS[@]}" "${EXTRA[@]}"
else
  # As scripts/test.sh: the async tests (server, worker, queue, reliability) run on their own, after the rest.
  ASYNC='ServerTests|WorkerTests|QueueTests|ReliabilityTests'
  step tests-sync swift test --skip-build "${BUILD[@]}" --skip "$ASYNC" "${SKIP_ARGS[@]}"
  step tests-async swift test --skip-build "${BUILD[@]}" --filter "$ASYNC" "${SKIP_ARGS[@]}"
  OPTIONS_VAR=$([[ $SANITIZER == address ]] && echo ASAN_OPTIONS || echo TSAN_OPTIONS)
  for i in "${!APART[@]}"; do
    step "tests-${APART[$i]}" env "$OPTIONS_VAR=${!OPTIONS_VAR}:${APART_OPTIONS[$i]}" \
      swift test --skip-build "${BUILD[@]}" --filter "${APART[$i]}"
  done
  step verify "$BIN/mediaworker" verify samples
fi

reports=("$REPORTS"/*)
[[ -e ${reports[0]} ]] || reports=()
for report in "${reports[@]}"; do
  say "report $(basename "$report"):"
  cat "$report" >&2
done
say "== summary"
for line in "${SUMMARY[@]}"; do say "$line"; done
say "${#reports[@]} sanitizer report file(s) in $REPORTS"
((${#reports[@]} == 0)) || STATUS=1
if ((STATUS == 0)); then say "passed"; else say "FAILED"; fi
exit "$STATUS"
