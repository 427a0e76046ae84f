#!/usr/bin/env bash
# Benchmark: what captions and loudness normalisation cost on the social job (issue 16: at most 5 % CPU).
# The same `mediaworker process` run of jobs/social.json on a 1080p30 10 s input with speech-like audio, with
# burned-in captions (20 cues, two lines each, a sidecar) and loudness normalisation (its audio-only first pass,
# the gain, the encoded outputs measured), against the same job with `"audio": null` and no captions.
#   swift build -c release && bench/captions.sh
# Not a test: prints medians and the with/without ratios, writes bench/results/captions-social-*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_mediaworker

IN=$(bench_input 1080p30-10s-speechlike.mp4 \
  -f lavfi -i testsrc2=s=1920x1080:r=30:d=10 \
  -f lavfi -i "aevalsrc=0.05*sin(2*PI*180*t)*(0.6+0.4*sin(2*PI*3*t))+0.3*sin(2*PI*2500*t)*lt(mod(t\,0.7)\,0.004):s=44100:d=10" \
  -c:v libx264 -preset medium -crf 20 -pix_fmt yuv420p -c:a aac -b:a 160k -ac 2 -movflags +faststart)

bench_init captions-social
mkdir -p "$BENCH_WORK/root"; cp "$IN" "$BENCH_WORK/root/in.mp4"
{
  for i in $(seq 0 19); do
    printf '%d\n00:00:%02d,%03d --> 00:00:%02d,%03d\nCue %d: una frase bastante larga para ocupar dos líneas\nen los formatos verticales del feed social.\n\n' \
      $((i + 1)) $((i / 2)) $(((i % 2) * 500)) $((i / 2)) $(((i % 2) * 500 + 450)) $((i + 1))
  done
} >"$BENCH_WORK/root/in.es.srt"
echo '{"version":1,"template":"social","input":"in.mp4","captions":{"file":"in.es.srt","language":"es"}}' >"$BENCH_WORK/with.json"
echo '{"version":1,"template":"social","input":"in.mp4","audio":null}' >"$BENCH_WORK/without.json"
bench_case with-captions-loudness - \
  "$MEDIAWORKER" process "$BENCH_WORK/with.json" --input-root "$BENCH_WORK/root" --output "$BENCH_WORK/with-out" --progress none
bench_case without - \
  "$MEDIAWORKER" process "$BENCH_WORK/without.json" --input-root "$BENCH_WORK/root" --output "$BENCH_WORK/without-out" --progress none
bench_run
bench_report with-captions-loudness without "social job (5 renditions, text mark, 6 thumbnails) from 1080p30 10 s: with 20 two-line captions + loudness normalisation vs neither"
