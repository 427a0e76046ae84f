#ifndef MEDIAWORKER_MW_JPEG_H
#define MEDIAWORKER_MW_JPEG_H

/*
 * JPEG read/write with libjpeg-turbo's libjpeg API, for the Swift `Imaging` target.
 *
 * libjpeg reports errors by longjmp, which Swift cannot host: every call that can fail runs here, behind a
 * setjmp, and comes back as a status and libjpeg's message. Reading is bounded before any pixel memory
 * exists (dimensions from the frame header), by scan count (a progressive file with endless scans), by
 * libjpeg's own memory ceiling, and a file that ends early is an error, not a grey bottom half.
 * Pixels are 8-bit RGBA (alpha 255), rows tightly packed.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mw_jpeg_status {
    MW_JPEG_OK = 0,
    /** Over a limit (see `exceeded`): dimensions (checked from the header), scans or libjpeg's memory. */
    MW_JPEG_TOO_LARGE = 1,
    /** libjpeg refused the data, or the data ends before the image does; `message` says which. */
    MW_JPEG_CORRUPT = 2,
    MW_JPEG_NO_MEMORY = 3,
    MW_JPEG_BAD_ARGUMENT = 4,
} mw_jpeg_status;

typedef enum mw_jpeg_limit {
    MW_JPEG_LIMIT_NONE = 0,
    MW_JPEG_LIMIT_WIDTH = 1,
    MW_JPEG_LIMIT_HEIGHT = 2,
    MW_JPEG_LIMIT_PIXELS = 3,
    MW_JPEG_LIMIT_SCANS = 4,
    MW_JPEG_LIMIT_MEMORY = 5,
} mw_jpeg_limit;

typedef struct mw_jpeg_limits {
    uint32_t max_width;
    uint32_t max_height;
    uint64_t max_pixels;
    /** Most scans a progressive file may have (libjpeg-turbo's djpeg -maxscans; real files have about 10). */
    uint32_t max_scans;
    /** libjpeg's working memory ceiling, bytes (coefficient buffers of progressive files). */
    uint64_t max_memory;
} mw_jpeg_limits;

#define MW_JPEG_MESSAGE_CAPACITY 256

typedef struct mw_jpeg_report {
    mw_jpeg_status status;
    uint32_t width;
    uint32_t height;
    mw_jpeg_limit exceeded;
    char message[MW_JPEG_MESSAGE_CAPACITY];
} mw_jpeg_report;

typedef struct mw_jpeg_reader mw_jpeg_reader;

/** Reads the markers up to the first scan (saving APP1 and APP2 for EXIF and ICC), checks the size against
 *  `limits`. Borrows `data`: it must outlive the reader. NULL on failure (the report says why). */
mw_jpeg_reader *mw_jpeg_reader_open(const uint8_t *data, size_t size, const mw_jpeg_limits *limits, mw_jpeg_report *report);
uint32_t mw_jpeg_reader_width(const mw_jpeg_reader *reader);
uint32_t mw_jpeg_reader_height(const mw_jpeg_reader *reader);
/** 1 for a progressive file. */
int mw_jpeg_reader_progressive(const mw_jpeg_reader *reader);
/** The number of saved APP1/APP2 markers, and one of them (its marker code, 0xE1 or 0xE2, and payload). */
size_t mw_jpeg_reader_marker_count(const mw_jpeg_reader *reader);
int mw_jpeg_reader_marker(const mw_jpeg_reader *reader, size_t index, int *code, const uint8_t **data, size_t *length);
/** Decodes into `dst` (width * height * 4 bytes). CMYK/YCCK files (Adobe) are converted naively. */
int mw_jpeg_reader_read_rgba(mw_jpeg_reader *reader, uint8_t *dst, size_t dst_size, mw_jpeg_report *report);
void mw_jpeg_reader_close(mw_jpeg_reader *reader);

/** Encodes RGBA (alpha ignored: flatten first) to JFIF. `quality` 1...100; `progressive` 0/1; `subsampling`
 *  420 or 444. On success `*out` is a malloc'd buffer for `mw_jpeg_free`. Writes no EXIF, XMP or ICC. */
int mw_jpeg_encode_rgba(const uint8_t *pixels, uint32_t width, uint32_t height, int quality, int progressive,
                        int subsampling, uint8_t **out, size_t *out_size, mw_jpeg_report *report);
void mw_jpeg_free(uint8_t *buffer);

#ifdef __cplusplus
}
#endif
#endif
