#!/usr/bin/env bash
# fuzz/run.sh TARGET SECONDS — libFuzzer with AddressSanitizer on one target:
#   media    arbitrary bytes opened, probed and decoded under the input policy
#   png      arbitrary bytes through the PNG loader (libpng, limits)
#   still    arbitrary bytes as a still upload (JPEG via libjpeg-turbo, PNG, HEIF via libheif; EXIF, ICC via lcms2)
#   captions a captions file (first byte: SRT or WebVTT) read by FFmpeg, sanitized, rendered by libass in its box
#   jobspec  arbitrary bytes as a job spec (templates, validation, path policy)
#   hook     the upload hook: first byte a mode, then a Mediaworker-Signature header line and a body; the
#            signature is checked (as sent, or made correctly so signed bodies get through) and the body parsed
# The product's libraries are built with --sanitize=fuzzer --sanitize=address into .build-fuzz; the seed
# corpus is fuzz/corpus/TARGET (committed, small); new inputs go to .build-fuzz/corpus/TARGET; a crash
# leaves .build-fuzz/artifacts/TARGET/crash-* and makes this script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:?usage: fuzz/run.sh media|png|still|captions|jobspec|hook SECONDS}
SECONDS_TO_RUN=${2:-60}
# The media targets' library links FFmpeg and libpng; the job targets' library links neither.
case $TARGET in
  media|png|still|captions) PRODUCT=MediaworkerFuzz ;;
  jobspec|hook) PRODUCT=MediaworkerFuzzJob ;;
  *) echo "fuzz/run.sh: unknown target $TARGET" >&2; exit 2 ;;
esac
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
# SwiftPM hands swiftc the sanitizers as two flags, -sanitize=fuzzer -sanitize=address, and swiftc (6.3) keeps
# only the last one: Swift code got AddressSanitizer but no coverage, so libFuzzer saw only the C targets' edges.
# The coverage libFuzzer wants (what -sanitize=fuzzer would add) is asked for explicitly instead.
FLAGS=(--sanitize=fuzzer --sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table)
# The Swift driver's incremental build does not recompile for new instrumentation flags: a scratch built with
# other flags (an older run.sh) is rebuilt from nothing, keeping the checkouts and the corpus.
if [[ -e $SCRATCH/build.db && "$(cat "$SCRATCH/fuzz-flags" 2>/dev/null)" != "${FLAGS[*]}" ]]; then
  echo "fuzz/run.sh: instrumentation flags changed; rebuilding $SCRATCH" >&2
  rm -rf "$SCRATCH/build.db" "$SCRATCH/debug" "$SCRATCH"/*-unknown-linux-gnu "$SCRATCH"/fuzz-driver*
fi
swift build --scratch-path "$SCRATCH" "${FLAGS[@]}" --product "$PRODUCT" >&2
echo "${FLAGS[*]}" >"$SCRATCH/fuzz-flags"
LIB=$(cd "$SCRATCH/debug" && pwd)
CLANG=$(dirname "$(readlink -f "$(command -v swift)")")/clang
DRIVER=$SCRATCH/fuzz-driver-$PRODUCT
if [[ ! -x $DRIVER || $LIB/lib$PRODUCT.so -nt $DRIVER ]]; then
  "$CLANG" -fsanitize=fuzzer,address fuzz/driver.c -o "$DRIVER" -L"$LIB" -l"$PRODUCT" -Wl,-rpath,"$LIB"
fi
mkdir -p "$SCRATCH/corpus/$TARGET" "$SCRATCH/artifacts/$TARGET"
export MEDIAWORKER_FUZZ_TARGET=$TARGET
# detect_leaks=0: FFmpeg and the Swift runtime keep process-lifetime allocations LeakSanitizer would report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
# A Swift trap is libFuzzer's to report (a crash-* input): Swift's own backtracer, which would run first, trips
# AddressSanitizer (its memory server reads the stack) and can stall the run for minutes.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
DICT=()
if [[ -f fuzz/dict/$TARGET.dict ]]; then DICT=(-dict="fuzz/dict/$TARGET.dict"); fi
"$DRIVER" -max_total_time="$SECONDS_TO_RUN" -timeout=20 -rss_limit_mb=4096 -max_len=1048576 "${DICT[@]}" \
  -artifact_prefix="$SCRATCH/artifacts/$TARGET/" -print_final_stats=1 \
  "$SCRATCH/corpus/$TARGET" "fuzz/corpus/$TARGET"
