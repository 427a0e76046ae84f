#ifndef MEDIAWORKER_CJPEG_SHIM_H
#define MEDIAWORKER_CJPEG_SHIM_H
#include <stdio.h>
#include <jpeglib.h>
#endif
