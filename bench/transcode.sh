#!/usr/bin/env bash
# Benchmark: `mediaworker transcode` vs the ffmpeg CLI doing the same work, in the same run.
#   swift build -c release && bench/transcode.sh
# Env: MEDIAWORKER (default .build/release/mediaworker), RUNS (5), WARMUP (1), BENCH_KEEP=1.
# Not a test: it prints medians and mediaworker/ffmpeg ratios and writes bench/results/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_mediaworker
bench_init transcode

# Input: 1920x1080 30 fps 10 s, H.264 High (x264 medium CRF 20) + AAC 44.1 kHz stereo
# (so both sides also resample the audio to 48 kHz).
IN=$(bench_input 1080p30-10s.mp4 \
  -f lavfi -i testsrc2=s=1920x1080:r=30:d=10 -f lavfi -i sine=f=440:r=44100:d=10 \
  -c:v libx264 -preset medium -crf 20 -pix_fmt yuv420p -c:a aac -b:a 160k -ac 2 -movflags +faststart)

# KEEP IN SYNC with mediaworker's transcode defaults (Sources/Pipeline renditions), or the
# comparison is meaningless: libx264 High profile, yuv420p, closed GOP (x264's default) with a
# keyframe at least every 2 s (= 60 frames of this 30 fps input; x264's scene-cut keyframes kept), bicubic
# scaling, AAC-LC 48 kHz stereo 128 kb/s, moov at the front (+faststart).
# Both sides use automatic thread counts (the CLI's default; mediaworker sets thread_count = 0).
bench_case mediaworker "$BENCH_WORK/mediaworker.mp4" \
  "$MEDIAWORKER" transcode "$IN" "$BENCH_WORK/mediaworker.mp4" \
  --width 1280 --height 720 --crf 23 --preset veryfast
bench_case ffmpeg "$BENCH_WORK/ffmpeg.mp4" \
  ffmpeg -nostdin -y -v error -i "$IN" -vf scale=1280:720:flags=bicubic \
  -c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p \
  -g 60 \
  -c:a aac -b:a 128k -ar 48000 -ac 2 -movflags +faststart "$BENCH_WORK/ffmpeg.mp4"

bench_run
echo
echo "outputs (should match apart from size):"
echo "  mediaworker: $(bench_describe "$BENCH_WORK/mediaworker.mp4")"
echo "  ffmpeg:      $(bench_describe "$BENCH_WORK/ffmpeg.mp4")"
bench_report mediaworker ffmpeg \
  "1920x1080 30 fps 10 s H.264+AAC -> 1280x720 x264 veryfast CRF 23 + AAC 128k"
