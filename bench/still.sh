#!/usr/bin/env bash
# Benchmark: a phone photo through the social template — mediaworker against ImageMagick and libvips doing the
# same work, in the same run.
#   swift build -c release --product mediaworker && bench/still.sh
# Env: MEDIAWORKER (default .build/release/mediaworker), RUNS (5), WARMUP (1), BENCH_KEEP=1.
# Not a test: it prints medians and ratios and writes bench/results/*.json.
#
# The work, on all three sides: read a 12 MP JPEG stored sideways (EXIF orientation 6) in Display P3, turn it
# upright, convert it to sRGB, and write five renditions — 1080×1920 with a blurred background (libvips: plain
# cover, see bench/still/vips.sh), 1080×1350 and 1080×1080 cover, 1920×1080 and 1280×720 contain — each with
# "#SomosLoMismo" in white with a dark outline at the bottom right, as progressive JPEG quality 88 with no
# metadata. ImageMagick reads the photo once for all five (mpr:); libvips runs its CLI per step, as a script would.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_mediaworker
bench_init still
for tool in convert vips vipsthumbnail exiftool gcc; do
  command -v "$tool" >/dev/null || bench_die "$tool not found (apt-get install imagemagick libvips-tools libimage-exiftool-perl gcc liblcms2-dev)"
done

# The input: 4032×3024 (12 MP, an iPhone's), stored sideways, tagged Display P3, with GPS.
P3="$BENCH_CACHE/DisplayP3.icc"
if [[ ! -s $P3 ]]; then
  mkdir -p "$BENCH_CACHE"
  gcc samples/src/display-p3-icc.c -o "$BENCH_WORK/p3" -llcms2 && "$BENCH_WORK/p3" "$P3"
fi
RAW=$(bench_input photo-4032x3024.jpg -f lavfi -i "mandelbrot=s=4032x3024:end_pts=1,format=yuvj420p" -frames:v 1 -q:v 3)
IN="$BENCH_CACHE/photo-12mp-sideways-p3.jpg"
if [[ ! -s $IN ]]; then
  cp "$RAW" "$IN.tmp.jpg"
  exiftool -q -overwrite_original "-ICC_Profile<=$P3" -Orientation#=6 -GPSLatitude=4.711 -GPSLatitudeRef=N -Make=Apple "$IN.tmp.jpg"
  mv "$IN.tmp.jpg" "$IN"
fi
cp "$IN" "$BENCH_WORK/photo.jpg"
echo '{"version":1,"template":"social","input":"photo.jpg"}' >"$BENCH_WORK/job.json"

bench_prep mediaworker rm -rf "$BENCH_WORK/mw"
bench_case mediaworker "$BENCH_WORK/mw/story.jpg" \
  "$MEDIAWORKER" process "$BENCH_WORK/job.json" --output "$BENCH_WORK/mw" --input-root "$BENCH_WORK" \
  --jobs-dir jobs --progress none
bench_prep imagemagick mkdir -p "$BENCH_WORK/im"
bench_case imagemagick "$BENCH_WORK/im/story.jpg" bash bench/still/imagemagick.sh "$BENCH_WORK/photo.jpg" "$BENCH_WORK/im"
bench_prep vips mkdir -p "$BENCH_WORK/vips"
bench_case vips "$BENCH_WORK/vips/story.jpg" bash bench/still/vips.sh "$BENCH_WORK/photo.jpg" "$BENCH_WORK/vips"

bench_run
echo
for side in mw im vips; do
  echo "  $side: $(cd "$BENCH_WORK/$side" && for f in story feed-4x5 feed-1x1 landscape safe-720p; do
    identify -format '%f %wx%h %[interlace] ' "$f.jpg" 2>/dev/null; done)"
done
bench_report mediaworker imagemagick "12 MP sideways Display P3 JPEG -> the social template's 5 stamped JPEGs (vs ImageMagick)"
bench_report mediaworker vips "12 MP sideways Display P3 JPEG -> the social template's 5 stamped JPEGs (vs libvips CLI)"
