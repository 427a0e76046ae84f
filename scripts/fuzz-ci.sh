#!/usr/bin/env bash
# CI's fuzzing pass: every libFuzzer target (fuzz/run.sh) for FUZZ_SECONDS (60) each, one after the other.
# The sanitizer build happens once, on the first target (the others find it up to date). Every target runs
# even after one fails; the script fails if any found a crash, a hang (timeout) or ran out of memory, and names
# the failing targets and their artifacts in .build-fuzz/artifacts/TARGET/.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=(media png still captions jobspec hook)
failed=()
for target in "${TARGETS[@]}"; do
  echo "fuzz-ci: $target for ${SECONDS_EACH} s" >&2
  # libFuzzer's per-input lines are noise in a CI log: keep the last lines (the final stats, or the crash).
  log=$(mktemp)
  if fuzz/run.sh "$target" "$SECONDS_EACH" >"$log" 2>&1; then
    grep -E 'DONE|^stat::|^Done ' "$log" | sed "s/^/fuzz-ci: $target: /" >&2
  else
    tail -n 60 "$log" >&2
    if ! grep -q '^INFO: Seed:' "$log"; then
      # libFuzzer never started: the sanitizer build or the driver's link failed, and would again.
      rm -f "$log"
      echo "fuzz-ci: FAILED: the fuzz build failed (see above)" >&2
      exit 1
    fi
    failed+=("$target")
  fi
  rm -f "$log"
done
if ((${#failed[@]})); then
  echo "fuzz-ci: FAILED: ${failed[*]} (inputs in ${FUZZ_SCRATCH:-.build-fuzz}/artifacts/)" >&2
  exit 1
fi
echo "fuzz-ci: all ${#TARGETS[@]} targets ran ${SECONDS_EACH} s without a finding" >&2
