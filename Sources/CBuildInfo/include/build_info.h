#ifndef MEDIAWORKER_BUILD_INFO_H
#define MEDIAWORKER_BUILD_INFO_H

/// The build's version: `git describe --tags --always --dirty` of the source tree it was built from, written
/// by scripts/stamp-version.sh into generated/build_version.h before the build (the scripts, CI and the
/// Dockerfile's build context do), else "unknown".
const char *mw_build_version(void);

#endif
