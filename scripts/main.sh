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
# The sample campaign clip through jobs/social.json: five renditions, watermark, thumbnails, contact sheet.
"$MW" process samples/jobs/campaign-social.json --input-root samples --output "$OUT/campaign-social"
# One-off commands on the portrait phone clip (stored landscape with rotation metadata).
"$MW" transcode samples/portrait-9x16-rotated.mp4 "$OUT/portrait-720x1280.mp4"
"$MW" thumbnail samples/portrait-9x16-rotated.mp4 "$OUT/portrait-thumb.png" --at 1 --width 360
echo
echo "outputs:"
find "$OUT" -type f | sort | sed "s/^/  /"
