#ifndef MEDIAWORKER_CPNG_SHIM_H
#define MEDIAWORKER_CPNG_SHIM_H
#include <png.h>
#endif
