#ifndef MEDIAWORKER_CLCMS2_SHIM_H
#define MEDIAWORKER_CLCMS2_SHIM_H
#include <lcms2.h>
#endif
