#!/usr/bin/env bash
# Makes the still samples (samples/phone-photo-sideways.jpg, samples/poster-transparent.png) from
# samples/campaign-16x9.mp4: a "phone photo" stored sideways (EXIF orientation 6) in Display P3 with GPS, camera,
# serial, owner, XMP and IPTC metadata; and a transparent PNG poster with text chunks and XMP.
# Needs: ffmpeg, imagemagick, libimage-exiftool-perl, gcc and liblcms2-dev (the Display P3 profile is built with
# LittleCMS by samples/src/display-p3-icc.c). OUT=/some/dir writes elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-samples}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc samples/src/display-p3-icc.c -o "$tmp/p3" -llcms2
"$tmp/p3" "$tmp/DisplayP3.icc"
ffmpeg -v error -y -ss 2 -i samples/campaign-16x9.mp4 -frames:v 1 "$tmp/frame.png"
# Upright: a 540×720 portrait crop (the title at the top). Stored: turned 90° counter-clockwise, as a phone held
# upright stores its sensor's picture, with orientation 6 ("turn 90° clockwise to show").
convert "$tmp/frame.png" -crop 540x720+250+0 +repage -rotate -90 \
  -profile /usr/share/color/icc/ghostscript/srgb.icc -profile "$tmp/DisplayP3.icc" \
  -quality 90 -sampling-factor 2x2 "$OUT/phone-photo-sideways.jpg"
exiftool -q -overwrite_original -Orientation#=6 -Make=Apple -Model="iPhone 15" -SerialNumber=F2LXK0Q1ABCD \
  -BodySerialNumber=F2LXK0Q1ABCD -Artist="Nombre Apellido" -OwnerName="Nombre Apellido" \
  -GPSLatitude=4.7110 -GPSLatitudeRef=N -GPSLongitude=74.0721 -GPSLongitudeRef=W -GPSAltitude=2600 \
  -DateTimeOriginal="2026:10:01 10:00:00" -XMP:Creator="Nombre Apellido" -XMP:Location="Bogotá" \
  -IPTC:By-line="Nombre Apellido" -IPTC:City="Bogotá" "$OUT/phone-photo-sideways.jpg"
convert -size 800x1000 xc:none -fill '#0072BC' -draw 'roundrectangle 40,40 760,960 60,60' \
  -fill '#FFC20E' -draw 'circle 400,380 400,220' -fill white -font DejaVu-Sans-Bold -pointsize 78 -gravity north \
  -annotate +0+640 'Somos' -annotate +0+740 'lo mismo' -set 'Author' 'Nombre Apellido' \
  -set 'comment' 'GPS 4.7110 N 74.0721 W' -define png:color-type=6 "$OUT/poster-transparent.png"
exiftool -q -overwrite_original -XMP:Creator="Nombre Apellido" "$OUT/poster-transparent.png"
exiftool -s -Orientation -GPSPosition -ProfileDescription -SerialNumber -ImageSize "$OUT/phone-photo-sideways.jpg"
