// The version string is a C define so that a build from a clean clone needs no generated file (SwiftPM has no
// optional Swift source): scripts/stamp-version.sh writes generated/build_version.h (ignored by git) and
// touches this file when the version changes, so the next build recompiles it.
#include "build_info.h"

#if __has_include("generated/build_version.h")
#include "generated/build_version.h"
#endif

#ifndef MW_BUILD_VERSION
#define MW_BUILD_VERSION "unknown (built without scripts/stamp-version.sh)"
#endif

const char *mw_build_version(void) { return MW_BUILD_VERSION; }
