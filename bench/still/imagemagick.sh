#!/usr/bin/env bash
# ImageMagick's side of bench/still.sh: one `convert`, the photo read once (mpr:), five renditions.
set -euo pipefail
IN=$1 OUT=$2
SRGB=/usr/share/color/icc/ghostscript/srgb.icc
MARK=(-gravity southeast -font DejaVu-Sans-Bold -fill white -stroke '#000000' -strokewidth 2)
convert "$IN" -auto-orient -profile "$SRGB" -strip -write mpr:src +delete \
  \( mpr:src -resize 68x120^ -gravity center -extent 68x120 -blur 0x2 -modulate 55 -resize 1080x1920! \
     \( mpr:src -resize 1080x1920 \) -gravity center -composite \
     "${MARK[@]}" -pointsize 40 -annotate +65+422 '#SomosLoMismo' -quality 88 -interlace JPEG -write "$OUT/story.jpg" +delete \) \
  \( mpr:src -resize 1080x1350^ -gravity center -extent 1080x1350 \
     "${MARK[@]}" -pointsize 40 -annotate +43+43 '#SomosLoMismo' -quality 88 -interlace JPEG -write "$OUT/feed-4x5.jpg" +delete \) \
  \( mpr:src -resize 1080x1080^ -gravity center -extent 1080x1080 \
     "${MARK[@]}" -pointsize 40 -annotate +43+43 '#SomosLoMismo' -quality 88 -interlace JPEG -write "$OUT/feed-1x1.jpg" +delete \) \
  \( mpr:src -resize 1920x1080 -background black -gravity center -extent 1920x1080 \
     "${MARK[@]}" -pointsize 70 -annotate +43+43 '#SomosLoMismo' -quality 88 -interlace JPEG -write "$OUT/landscape.jpg" +delete \) \
  mpr:src -resize 1280x720 -background black -gravity center -extent 1280x720 \
     "${MARK[@]}" -pointsize 47 -annotate +29+29 '#SomosLoMismo' -quality 88 -interlace JPEG "$OUT/safe-720p.jpg"
