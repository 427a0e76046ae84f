#ifndef MEDIAWORKER_MW_PNG_H
#define MEDIAWORKER_MW_PNG_H

/*
 * PNG read/write with libpng's classic API, for the Swift `Imaging` target.
 *
 * libpng reports errors with longjmp; Swift cannot host a setjmp, so every libpng call that can
 * fail runs here, behind a setjmp, and comes back as a status plus libpng's message.
 * Pixels are always 8-bit, non-premultiplied RGBA, rows tightly packed (stride = width * 4).
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mw_png_status {
    MW_PNG_OK = 0,
    /** The image is over one of the caller's limits (see `exceeded`): dimensions, checked before any
     *  pixel memory is allocated, or an ancillary chunk's size. */
    MW_PNG_TOO_LARGE = 1,
    /** libpng refused the data (signature, CRC, IHDR, zlib, missing IDAT…); `message` has its text. */
    MW_PNG_CORRUPT = 2,
    /** An allocation failed. */
    MW_PNG_NO_MEMORY = 3,
    /** A caller's argument is out of range (size of the destination, dimensions, NULL…). */
    MW_PNG_BAD_ARGUMENT = 4,
} mw_png_status;

/** Which limit a too-large image went over. */
typedef enum mw_png_limit {
    MW_PNG_LIMIT_NONE = 0,
    MW_PNG_LIMIT_WIDTH = 1,
    MW_PNG_LIMIT_HEIGHT = 2,
    MW_PNG_LIMIT_PIXELS = 3,
    /** An ancillary chunk (text, iCCP, private…) is longer, or inflates to more, than max_chunk_bytes;
     *  or there are more ancillary chunks than libpng's chunk cache holds. */
    MW_PNG_LIMIT_CHUNK = 4,
} mw_png_limit;

typedef struct mw_png_limits {
    uint32_t max_width;       /* 1 ... 0x7fffffff */
    uint32_t max_height;      /* 1 ... 0x7fffffff */
    uint64_t max_pixels;      /* width * height */
    uint64_t max_chunk_bytes; /* largest ancillary chunk (text, iCCP…), compressed or decompressed */
} mw_png_limits;

#define MW_PNG_MESSAGE_CAPACITY 256

/** What happened: filled by every call that takes one. */
typedef struct mw_png_report {
    mw_png_status status;
    /** The dimensions the IHDR declares, once known (also on MW_PNG_TOO_LARGE); else 0. */
    uint32_t width;
    uint32_t height;
    mw_png_limit exceeded;
    /** NUL-terminated: libpng's error text or ours; empty on success. For MW_PNG_LIMIT_CHUNK, libpng's
     *  text about the chunk (e.g. "zTXt: truncated": the limit cut the inflated text short). */
    char message[MW_PNG_MESSAGE_CAPACITY];
    /** Number of libpng warnings (benign problems, e.g. an ancillary chunk dropped). */
    uint32_t warning_count;
    /** Every warning's text, joined by "; " (cut at the capacity), NUL-terminated. */
    char warnings[MW_PNG_MESSAGE_CAPACITY];
} mw_png_report;

/** A decode in progress. It borrows the input bytes: they must outlive it. */
typedef struct mw_png_reader mw_png_reader;

/**
 * Reads the signature and the chunks before the first IDAT, then checks the declared dimensions
 * against `limits` before any pixel memory exists. Returns NULL on failure (the report says why).
 */
mw_png_reader *mw_png_reader_open(const uint8_t *data, size_t size, const mw_png_limits *limits,
                                  mw_png_report *report);

uint32_t mw_png_reader_width(const mw_png_reader *reader);
uint32_t mw_png_reader_height(const mw_png_reader *reader);
/** The embedded ICC profile (iCCP, inflated under the chunk limit), borrowed until the reader closes; 0 when
 *  there is one, -1 when there is none. */
int mw_png_reader_icc(const mw_png_reader *reader, const uint8_t **data, size_t *length);
/** 1 when the image has an alpha channel or a tRNS chunk. */
int mw_png_reader_has_alpha(const mw_png_reader *reader);

/**
 * Decodes every pixel, whatever the PNG's format (palette, grey 1–16 bit, alpha, tRNS, 16-bit,
 * Adam7), into `dst` as RGBA8; `dst_size` must be width * height * 4. Then reads to IEND.
 * Call at most once per reader.
 */
mw_png_status mw_png_reader_read_rgba(mw_png_reader *reader, uint8_t *dst, size_t dst_size,
                                      mw_png_report *report);

/** Frees the reader and everything libpng allocated for it. NULL is fine. */
void mw_png_reader_close(mw_png_reader *reader);

/**
 * Encodes RGBA8 (rows tightly packed) as an 8-bit RGBA PNG. `compression_level` is zlib's 0–9.
 * On MW_PNG_OK `*out` is a malloc'd buffer of `*out_size` bytes, to free with mw_png_free;
 * on failure `*out` is NULL.
 */
mw_png_status mw_png_encode_rgba(const uint8_t *rgba, uint32_t width, uint32_t height,
                                 int compression_level, uint8_t **out, size_t *out_size,
                                 mw_png_report *report);

void mw_png_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif /* MEDIAWORKER_MW_PNG_H */
