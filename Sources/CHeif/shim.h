#ifndef MEDIAWORKER_CHEIF_SHIM_H
#define MEDIAWORKER_CHEIF_SHIM_H
#include <libheif/heif.h>
#endif
