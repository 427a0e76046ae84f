#!/usr/bin/env bash
# Benchmark: `mediaworker process` (one decode, several renditions, watermark) vs the best single ffmpeg
# CLI invocation doing the same work (filter_complex with split, the same scaler, overlay of the same PNG,
# the same x264 preset/CRF and AAC settings, one file per rendition); and 10 thumbnails vs ffmpeg's
# one-pass select.
#   (a) 3 renditions 1080/720/480 + PNG watermark
#   (b) jobs/social.json: 5 renditions (blur, cover ×2, contain ×2) + text watermark + 6 thumbnails + contact sheet
#   (c) 10 thumbnails only
#   swift build -c release && bench/process.sh [a|b|c|all]
# Not a test: prints medians and mediaworker/ffmpeg ratios, writes bench/results/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_mediaworker
WHICH=${1:-all}
if [[ $WHICH == all ]]; then "$0" a; "$0" b; "$0" c; exit; fi
[[ $WHICH =~ ^[abc]$ ]] || bench_die "unknown case '$WHICH' (a, b, c or all)"

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

if [[ $WHICH == b ]]; then
  bench_init process-social
  mkdir -p "$BENCH_WORK/root"; cp "$IN" "$BENCH_WORK/root/in.mp4"
  # The job is the template itself: jobs/social.json (found through --jobs-dir, default jobs/).
  echo '{"version":1,"template":"social","input":"in.mp4"}' > "$BENCH_WORK/spec.json"
  # ffmpeg does the same work from the same 1920×1080 frames, with the numbers mediaworker derives from
  # jobs/social.json (Geometry, FrameProcessor, WatermarkPlan, MarkRenderer); if the template or those change,
  # change these too.
  # - story 1080×1920 blur: the picture scaled to fit (1080×608 at y 656, bicubic); the background is that
  #   picture cropped to 9:16 (342×608 at x 368), shrunk to 1/16 of the box (66×120, area), box-blurred
  #   (luma radius 2, chroma radius 1, 3 passes), darkened (luma ×0.55 towards 16, chroma ×0.8 towards 128)
  #   and enlarged (bilinear) under the picture;
  # - feed-4x5 1080×1350 and feed-1x1 1080×1080 cover: centre crop 864×1080 / 1080×1080, then bicubic scale;
  # - landscape 1920×1080 and safe-720p 1280×720 contain (same aspect: no padding), bicubic;
  # - the mark: "#SomosLoMismo", DejaVu Sans Bold, width 30 % of the frame (capped by the safe area on 9:16),
  #   i.e. 33 px (story, feeds), 58 px (landscape), 39 px (720p), white, dark outline of size/14 and an
  #   offset shadow of size/20, opacity 0.9, its box 4 % of the shorter side from the bottom-right corner
  #   (inside the story's safe area: 6 % left/right, 14 % top, 22 % bottom) plus the renderer's padding of size/6;
  # - x264 veryfast CRF 23 High yuv420p, keyframe every 60 frames (2 s at 30 fps), VBV maxrate 8000k (5000k
  #   for 720p) with a buffer of twice that; AAC-LC 128k 48 kHz stereo; +faststart; one file per rendition;
  # - 6 thumbnails 640 px wide at the middles of 6 equal parts (frames 25, 75, …, 275) and a 3×2 contact
  #   sheet with 8 px gaps (ffmpeg's has no time labels).
  FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
  [[ -r $FONT ]] || bench_die "$FONT not found (Debian: apt-get install fonts-dejavu-core)"
  mark() { # SIZE BORDER SHADOW X Y: drawtext with the mark's right/bottom text edge at X/Y
    echo "drawtext=fontfile=$FONT:text=#SomosLoMismo:fontsize=$1:fontcolor=white@0.9:borderw=$2:bordercolor=black@0.9:shadowx=$3:shadowy=$3:shadowcolor=black@0.675:x=$4-tw:y=$5-th"
  }
  FC="[0:v]split=6[s0][s1][s2][s3][s4][t];"
  FC+="[s0]scale=1080:608:flags=bicubic,split[sp][sb];"
  FC+="[sb]crop=342:608:368:0,scale=66:120:flags=area,boxblur=luma_radius=2:luma_power=3:chroma_radius=1:chroma_power=3,"
  FC+="lutyuv=y=16+(val-16)*0.55:u=128+(val-128)*0.8:v=128+(val-128)*0.8,scale=1080:1920:flags=bilinear[sbg];"
  FC+="[sbg][sp]overlay=0:656,$(mark 33 2 1 966 1448)[o1];"
  FC+="[s1]crop=864:1080:528:0,scale=1080:1350:flags=bicubic,$(mark 33 2 1 1032 1302)[o2];"
  FC+="[s2]crop=1080:1080:420:0,scale=1080:1080:flags=bicubic,$(mark 33 2 1 1032 1032)[o3];"
  FC+="[s3]scale=1920:1080:flags=bicubic,$(mark 58 4 2 1868 1028)[o4];"
  FC+="[s4]scale=1280:720:flags=bicubic,$(mark 39 2 1 1246 686)[o5];"
  FC+="[t]select='not(mod(n-25\,50))*gte(n\,25)',scale=640:-2:flags=bicubic,split[t1][t2];[t2]tile=3x2:margin=8:padding=8[sheet]"
  ENC=(-c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p -g 60 -c:a aac -b:a 128k -ar 48000 -ac 2 -movflags +faststart)
  FF=(ffmpeg -nostdin -y -v error -i "$IN" -filter_complex "$FC")
  out() { FF+=(-map "[$1]" -map 0:a "${ENC[@]}" -maxrate "$2" -bufsize "$3" "$BENCH_WORK/ff-$4.mp4"); }
  out o1 8000k 16000k story; out o2 8000k 16000k feed-4x5; out o3 8000k 16000k feed-1x1
  out o4 8000k 16000k landscape; out o5 5000k 10000k safe-720p
  FF+=(-map "[t1]" -fps_mode vfr -frames:v 6 "$BENCH_WORK/ff-thumb-%02d.png")
  FF+=(-map "[sheet]" -frames:v 1 "$BENCH_WORK/ff-contact-sheet.png")
  bench_case mediaworker - \
    "$MEDIAWORKER" process "$BENCH_WORK/spec.json" --input-root "$BENCH_WORK/root" --output "$BENCH_WORK/mw-out" --progress none
  bench_case ffmpeg "$BENCH_WORK/ff-story.mp4" "${FF[@]}"
  bench_run
  for r in story feed-4x5 feed-1x1 landscape safe-720p; do
    echo "  $(printf '%-10s' "$r") mediaworker: $(bench_describe "$BENCH_WORK/mw-out/$r.mp4")"
    echo "  $(printf '%-10s' "") ffmpeg:      $(bench_describe "$BENCH_WORK/ff-$r.mp4")"
  done
  echo "  thumbnails: mediaworker $(ls "$BENCH_WORK/mw-out" | grep -c '^thumb-.*png$'), ffmpeg $(ls "$BENCH_WORK" | grep -c '^ff-thumb-.*png$')"
  bench_report mediaworker ffmpeg "jobs/social.json: 5 renditions (blur/cover/cover/contain/contain) + text watermark + 6 thumbnails + contact sheet from 1080p30 10 s"
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
