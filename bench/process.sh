#!/usr/bin/env bash
# Benchmark: `mediaworker process` (one decode, several renditions, watermark) vs the best single ffmpeg
# CLI invocation doing the same work (filter_complex with split, the same scaler, overlay of the same PNG,
# the same x264 preset/CRF and AAC settings, one file per rendition); and 10 thumbnails vs ffmpeg's
# one-pass select.
#   swift build -c release && bench/process.sh [a|c|all]
# Not a test: prints medians and mediaworker/ffmpeg ratios, writes bench/results/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
MEDIAWORKER=${MEDIAWORKER:-.build/release/mediaworker}
[[ -x $MEDIAWORKER ]] || bench_die "no $MEDIAWORKER: run 'swift build -c release' first"
WHICH=${1:-all}
if [[ $WHICH == all ]]; then "$0" a; "$0" c; exit; fi

IN=$(bench_input 1080p30-10s.mp4 \
  -f lavfi -i testsrc2=s=1920x1080:r=30:d=10 -f lavfi -i sine=f=440:r=44100:d=10 \
  -c:v libx264 -preset medium -crf 20 -pix_fmt yuv420p -c:a aac -b:a 160k -ac 2 -movflags +faststart)
WM=$PWD/samples/watermark.png

if [[ $WHICH == a || $WHICH == all ]]; then
  bench_init process-3renditions
  mkdir -p "$BENCH_WORK/root"; cp "$IN" "$BENCH_WORK/root/in.mp4"; cp "$WM" "$BENCH_WORK/root/wm.png"
  cat > "$BENCH_WORK/spec.json" <<JSON
{"version":1,"input":"in.mp4","renditions":[
 {"name":"1080p","width":1920,"height":1080,"fit":"cover","crf":23,"preset":"veryfast"},
 {"name":"720p","width":1280,"height":720,"fit":"cover","crf":23,"preset":"veryfast"},
 {"name":"480p","width":854,"height":480,"fit":"cover","crf":23,"preset":"veryfast"}],
 "watermark":{"image":"wm.png","anchor":"bottom-right","margin":0.04,"scale":0.25,"opacity":1}}
JSON
  # The mark is 25 % of the frame's width, 4 % of the shorter side from the bottom-right corner.
  FC="[1:v]format=rgba,split=3[w1][w2][w3];[w1]scale=480:-2:flags=bicubic[m1];[w2]scale=320:-2:flags=bicubic[m2];[w3]scale=212:-2:flags=bicubic[m3];"
  FC+="[0:v]split=3[a][b][c];[b]scale=1280:720:flags=bicubic[b1];[c]scale=854:480:flags=bicubic[c1];"
  FC+="[a][m1]overlay=W-w-43:H-h-43[o1];[b1][m2]overlay=W-w-28:H-h-28[o2];[c1][m3]overlay=W-w-19:H-h-19[o3]"
  X264=(-c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p -g 60 -c:a aac -b:a 128k -ar 48000 -ac 2 -movflags +faststart)
  bench_case mediaworker - \
    "$MEDIAWORKER" process "$BENCH_WORK/spec.json" --input-root "$BENCH_WORK/root" --output "$BENCH_WORK/mw-out" --progress none
  bench_case ffmpeg "$BENCH_WORK/ff-1080.mp4" \
    ffmpeg -nostdin -y -v error -i "$IN" -i "$WM" -filter_complex "$FC" \
    -map "[o1]" -map 0:a "${X264[@]}" "$BENCH_WORK/ff-1080.mp4" \
    -map "[o2]" -map 0:a "${X264[@]}" "$BENCH_WORK/ff-720.mp4" \
    -map "[o3]" -map 0:a "${X264[@]}" "$BENCH_WORK/ff-480.mp4"
  bench_run
  bench_report mediaworker ffmpeg "3 renditions 1080/720/480 + PNG watermark from 1080p30 10 s"
fi

if [[ $WHICH == c || $WHICH == all ]]; then
  bench_init process-thumbnails
  mkdir -p "$BENCH_WORK/root"; cp "$IN" "$BENCH_WORK/root/in.mp4"
  echo '{"version":1,"input":"in.mp4","thumbnails":{"count":10,"width":640,"avoid_black":false}}' > "$BENCH_WORK/spec.json"
  bench_case mediaworker - \
    "$MEDIAWORKER" process "$BENCH_WORK/spec.json" --input-root "$BENCH_WORK/root" --output "$BENCH_WORK/mw-out" --progress none
  # ffmpeg: one pass, the frames nearest the middles of 10 equal parts (0.5 s, 1.5 s, …).
  bench_case ffmpeg "$BENCH_WORK/ff-thumb-01.png" \
    ffmpeg -nostdin -y -v error -i "$IN" -vf "select='eq(n\,15)+eq(mod(n-15\,30)\,0)*gt(n\,15)',scale=640:-2:flags=bicubic" \
    -fps_mode vfr -frames:v 10 "$BENCH_WORK/ff-thumb-%02d.png"
  bench_run
  bench_report mediaworker ffmpeg "10 thumbnails 640 px from 1080p30 10 s"
fi
