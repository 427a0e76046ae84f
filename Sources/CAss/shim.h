#ifndef MEDIAWORKER_CASS_SHIM_H
#define MEDIAWORKER_CASS_SHIM_H
// libass (Debian libass-dev): renders ASS subtitle events to alpha bitmaps (captions, Pipeline/Captions).
#include <ass/ass.h>
#endif
