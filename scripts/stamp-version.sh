#!/usr/bin/env bash
# Bakes the source tree's `git describe` into the next build: writes Sources/CBuildInfo/generated/build_version.h
# (ignored by git; `mediaworker --version` prints it) and touches build_info.c when the version changed, so an
# incremental build recompiles it. Run before `swift build` (scripts/test.sh, main.sh and image-check.sh do):
# the image is built from a context without .git, so the version travels in this file. Outside a git checkout,
# or without git, it keeps what is there (or nothing: the build then says "unknown").
set -euo pipefail
cd "$(dirname "$0")/.."
dir=Sources/CBuildInfo/generated
version=$(git describe --tags --always --dirty 2>/dev/null) || { echo "stamp-version: not a git checkout; version left as is" >&2; exit 0; }
line="#define MW_BUILD_VERSION \"$version\""
if [[ -f $dir/build_version.h ]] && grep -qxF "$line" "$dir/build_version.h"; then exit 0; fi
mkdir -p "$dir"
printf '// Written by scripts/stamp-version.sh; not committed.\n%s\n' "$line" >"$dir/build_version.h"
touch Sources/CBuildInfo/build_info.c
echo "stamp-version: $version" >&2
