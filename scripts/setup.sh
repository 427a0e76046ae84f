#!/usr/bin/env bash
# Installs what mediaworker needs on Debian 12 (as root): FFmpeg's libraries and CLI (the CLI only makes
# test inputs and cross-checks outputs; the product links the libraries), libpng, FreeType, DejaVu fonts,
# libjpeg-turbo, libheif and LittleCMS (stills),
# PostgreSQL (the shared queue's tests), and the tools the tests use (exiftool reads
# the stills' metadata, heif-enc makes HEIC inputs). Idempotent: installs only what is missing.
set -euo pipefail

PACKAGES=(
  pkg-config
  libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev libswscale-dev libswresample-dev
  libpng-dev libfreetype-dev fonts-dejavu-core
  libjpeg62-turbo-dev libheif-dev liblcms2-dev
  libass-dev libebur128-dev
  libsqlite3-dev
  ffmpeg
  postgresql
  time python3
  libimage-exiftool-perl libheif-examples
)
if [[ "${MEDIAWORKER_SETUP_BROWSER:-0}" == 1 ]]; then PACKAGES+=(chromium chromium-driver); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [[ $(id -u) != 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift (6.x) is not on PATH" >&2; exit 1; }
