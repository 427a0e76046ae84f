#ifndef MEDIAWORKER_CEBUR128_SHIM_H
#define MEDIAWORKER_CEBUR128_SHIM_H
// libebur128 (Debian libebur128-dev): ITU-R BS.1770-4 / EBU R128 loudness, loudness range and true peak.
#include <ebur128.h>
#endif
