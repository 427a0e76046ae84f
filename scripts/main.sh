#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with Swift 6: installs what is missing, builds, and runs the
# sample campaign clips through mediaworker, printing where the outputs are.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product mediaworker
MW=.build/release/mediaworker
OUT=${OUT:-out/main}
mkdir -p "$OUT"
"$MW" transcode samples/campaign-16x9.mp4 "$OUT/campaign-720p.mp4" --width 1280
"$MW" transcode samples/campaign-16x9.mp4 "$OUT/campaign-480p.mp4" --height 480
"$MW" transcode samples/portrait-9x16-rotated.mp4 "$OUT/portrait-720x1280.mp4"
"$MW" thumbnail samples/campaign-16x9.mp4 "$OUT/campaign-thumb.png" --at 3 --width 640
"$MW" thumbnail samples/portrait-9x16-rotated.mp4 "$OUT/portrait-thumb.png" --at 1 --width 360
echo
echo "outputs:"
for f in "$OUT"/*; do echo "  $f"; done
