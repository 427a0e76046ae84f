#!/usr/bin/env bash
# Benchmark: the cost of HDR → SDR conversion in the frame core. jobs/social.json (5 renditions, text
# watermark, 6 thumbnails, contact sheet) via `mediaworker process` on the same 1080p30 content twice:
#   hlg: HEVC Main 10, BT.2020 primaries and matrix, HLG transfer (converted: LUT per source frame)
#   sdr: HEVC Main 10, BT.709 (not converted; swscale takes the 10-bit frames straight to 8-bit)
# Same codec, size and bit depth, so the CPU ratio hlg/sdr isolates the conversion. Target: ≤ 1.15×.
#   swift build -c release --product mediaworker && bench/hdr.sh
# Not a test: prints medians and the hlg/sdr ratio, writes bench/results/hdr-social.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_mediaworker
SECONDS_IN=${HDR_BENCH_SECONDS:-4}

SRC=(-f lavfi -i "testsrc2=s=1920x1080:r=30:d=$SECONDS_IN" -f lavfi -i "sine=f=440:r=48000:d=$SECONDS_IN")
X265=(-c:v libx265 -preset ultrafast -crf 18 -pix_fmt yuv420p10le -c:a aac -b:a 128k -ac 2)
SDR=$(bench_input sdr-hevc10-1080p.mp4 "${SRC[@]}" \
  -vf "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p10le" "${X265[@]}" \
  -x265-params "log-level=error:colorprim=bt709:transfer=bt709:colormatrix=bt709" \
  -color_primaries bt709 -color_trc bt709 -colorspace bt709)
# The HLG clip is made from the SDR one (its tags tell zscale where it starts), as the HDR tests do.
HLG=$(bench_input hlg-hevc10-1080p.mp4 -i "$SDR" \
  -vf "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=2020:t=arib-std-b67:m=2020_ncl:r=tv,format=yuv420p10le" \
  "${X265[@]}" -x265-params "log-level=error:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc" \
  -color_primaries bt2020 -color_trc arib-std-b67 -colorspace bt2020nc)

bench_init hdr-social
for c in hlg sdr; do
  mkdir -p "$BENCH_WORK/$c"
  echo '{"version":1,"template":"social","input":"in.mp4"}' > "$BENCH_WORK/$c/spec.json"
done
cp "$HLG" "$BENCH_WORK/hlg/in.mp4"
cp "$SDR" "$BENCH_WORK/sdr/in.mp4"
for c in hlg sdr; do
  bench_case "$c" - "$MEDIAWORKER" process "$BENCH_WORK/$c/spec.json" --input-root "$BENCH_WORK/$c" \
    --output "$BENCH_WORK/$c/out" --progress none
done
bench_run
for c in hlg sdr; do
  echo "  $c story: $(bench_describe "$BENCH_WORK/$c/out/story.mp4")"
  echo "  $c tags:  $(ffprobe -v error -select_streams v:0 -show_entries stream=color_space,color_primaries,color_transfer -of csv=p=0 "$BENCH_WORK/$c/out/story.mp4")"
done
bench_report hlg sdr "jobs/social.json on 1080p30 ${SECONDS_IN} s HEVC 10-bit: HLG BT.2020 (converted) vs SDR BT.709"
