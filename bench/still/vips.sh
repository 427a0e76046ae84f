#!/usr/bin/env bash
# libvips's side of bench/still.sh, as a script of vips CLI calls (libvips-tools): vipsthumbnail auto-rotates,
# shrinks on load, crops and exports sRGB with the metadata stripped; the mark is rendered once per size with
# `vips text` and composited. The story is a plain cover crop: the CLI has no one-call blurred background.
set -euo pipefail
IN=$1 OUT=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# name size crop|contain mark-dpi x y
while read -r name size mode dpi; do
  w=${size%x*} h=${size#*x}
  if [[ $mode == crop ]]; then
    vipsthumbnail "$IN" --size "$size" --smartcrop centre --export-profile srgb -o "$T/$name.v"
  else
    vipsthumbnail "$IN" --size "$size" --export-profile srgb -o "$T/$name-pic.v"
    vips gravity "$T/$name-pic.v" "$T/$name.v" centre "$w" "$h" --extend black
  fi
  vips text "$T/$name-text.v" '<b>#SomosLoMismo</b>' --font 'DejaVu Sans' --dpi "$dpi"
  vips linear "$T/$name-text.v" "$T/$name-ink.v" '0 0 0' '255 255 255' --uchar
  vips bandjoin "$T/$name-ink.v $T/$name-text.v" "$T/$name-rgba.v"
  vips copy "$T/$name-rgba.v" "$T/$name-mark.v" --interpretation srgb
  mw=$(vipsheader -f width "$T/$name-mark.v") mh=$(vipsheader -f height "$T/$name-mark.v")
  vips composite2 "$T/$name.v" "$T/$name-mark.v" "$OUT/$name.jpg[Q=88,interlace,strip]" over \
    --x $((w - mw - h / 25)) --y $((h - mh - h / 25))
done <<'LIST'
story 1080x1920 crop 300
feed-4x5 1080x1350 crop 300
feed-1x1 1080x1080 crop 300
landscape 1920x1080 contain 520
safe-720p 1280x720 contain 350
LIST
