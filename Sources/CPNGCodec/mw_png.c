/*
 * PNG read/write with libpng's classic API. See include/mw_png.h.
 *
 * Every function that calls into libpng after setjmp keeps the state it needs after a longjmp in
 * memory that is not one of its own automatic variables (the reader, or the caller's frame), so
 * nothing is left indeterminate by the jump (C11 7.13.2.1).
 */

#include "mw_png.h"

#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ancillary chunks libpng may keep (text, sPLT, unknown): a few hundred is plenty for any real file. */
#define MW_PNG_CHUNK_CACHE_MAX 256
/* libpng refuses dimensions above 2^31 - 1 whatever we ask. */
#define MW_PNG_DIMENSION_MAX 0x7fffffffu

/* What the libpng callbacks (error, warning, memory) need: one per libpng struct. */
typedef struct mw_png_callbacks {
    mw_png_report *report;
    int out_of_memory;
    uint64_t max_chunk_bytes; /* 0 when writing */
} mw_png_callbacks;

struct mw_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    uint32_t width;
    uint32_t height;
    int pixels_read;
    mw_png_callbacks callbacks;
};

/* MARK: reports */

static void report_reset(mw_png_report *report) {
    memset(report, 0, sizeof *report);
}

__attribute__((format(printf, 3, 4)))
static void report_set(mw_png_report *report, mw_png_status status, const char *format, ...) {
    va_list args;
    report->status = status;
    va_start(args, format);
    vsnprintf(report->message, sizeof report->message, format, args);
    va_end(args);
}

/* MARK: libpng callbacks */

static void on_error(png_structp png, png_const_charp message) {
    mw_png_callbacks *callbacks = (mw_png_callbacks *)png_get_error_ptr(png);
    if (callbacks != NULL && callbacks->report != NULL) {
        mw_png_report *report = callbacks->report;
        const char *text = message != NULL ? message : "libpng error";
        report->status = callbacks->out_of_memory ? MW_PNG_NO_MEMORY : MW_PNG_CORRUPT;
        /* png_check_IHDR warns with the reason, then fails with a generic text: say both. */
        if (strcmp(text, "Invalid IHDR data") == 0 && report->warnings[0] != 0)
            snprintf(report->message, sizeof report->message, "%s: %s", text, report->warnings);
        else
            snprintf(report->message, sizeof report->message, "%s", text);
    }
    png_longjmp(png, 1);
}

/*
 * libpng treats an ancillary chunk over png_set_chunk_malloc_max / png_set_chunk_cache_max as a
 * "benign error": in release builds a warning, after which the chunk is dropped (or, for tEXt, kept).
 * We refuse the file instead, so an over-limit chunk is an error the caller sees. libpng has no code
 * for these, only its messages (stable across 1.6.x; the tests pin them). A compressed text/iCCP
 * chunk cut short by the limit reads as "truncated", which a genuinely truncated stream also gives.
 * All other warnings (e.g. "iCCP: known incorrect sRGB profile") stay warnings.
 */
static int is_chunk_limit_warning(const char *message) {
    static const char *const limit_messages[] = {
        "chunk data is too large", "exceeds application limits", "insufficient memory",
        "no space in chunk cache", "exceeds memory limits",
    };
    for (size_t i = 0; i < sizeof limit_messages / sizeof limit_messages[0]; i++) {
        if (strstr(message, limit_messages[i]) != NULL) return 1;
    }
    int compressed_metadata = strncmp(message, "zTXt: ", 6) == 0 || strncmp(message, "iTXt: ", 6) == 0
        || strncmp(message, "iCCP: ", 6) == 0;
    return compressed_metadata && strstr(message, "truncated") != NULL;
}

static void on_warning(png_structp png, png_const_charp message) {
    mw_png_callbacks *callbacks = (mw_png_callbacks *)png_get_error_ptr(png);
    if (callbacks == NULL || callbacks->report == NULL) return;
    mw_png_report *report = callbacks->report;
    const char *text = message != NULL ? message : "libpng warning";
    size_t used = strlen(report->warnings);
    snprintf(report->warnings + used, sizeof report->warnings - used, "%s%s", used > 0 ? "; " : "", text);
    if (report->warning_count < UINT32_MAX) report->warning_count += 1;

    if (callbacks->max_chunk_bytes > 0 && is_chunk_limit_warning(text)) {
        report->exceeded = MW_PNG_LIMIT_CHUNK;
        report_set(report, MW_PNG_TOO_LARGE, "%s", text);
        png_longjmp(png, 1);
    }
}

static png_voidp on_malloc(png_structp png, png_alloc_size_t size) {
    void *pointer = malloc(size);
    if (pointer == NULL) {
        mw_png_callbacks *callbacks = (mw_png_callbacks *)png_get_mem_ptr(png);
        if (callbacks != NULL) callbacks->out_of_memory = 1;
    }
    return pointer;
}

static void on_free(png_structp png, png_voidp pointer) {
    (void)png;
    free(pointer);
}

static void on_read(png_structp png, png_bytep out, size_t length) {
    mw_png_reader *reader = (mw_png_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) png_error(png, "PNG data is truncated");
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

/* MARK: limits */

static mw_png_limit exceeded_limit(uint32_t width, uint32_t height, const mw_png_limits *limits) {
    if (width > limits->max_width) return MW_PNG_LIMIT_WIDTH;
    if (height > limits->max_height) return MW_PNG_LIMIT_HEIGHT;
    if ((uint64_t)width * (uint64_t)height > limits->max_pixels) return MW_PNG_LIMIT_PIXELS;
    return MW_PNG_LIMIT_NONE;
}

static void report_too_large(mw_png_report *report, uint32_t width, uint32_t height, mw_png_limit limit,
                             const mw_png_limits *limits) {
    report->width = width;
    report->height = height;
    report->exceeded = limit;
    switch (limit) {
    case MW_PNG_LIMIT_WIDTH:
        report_set(report, MW_PNG_TOO_LARGE, "PNG is %u×%u, over the %u px width limit",
                   width, height, limits->max_width);
        break;
    case MW_PNG_LIMIT_HEIGHT:
        report_set(report, MW_PNG_TOO_LARGE, "PNG is %u×%u, over the %u px height limit",
                   width, height, limits->max_height);
        break;
    default:
        report_set(report, MW_PNG_TOO_LARGE, "PNG is %u×%u, over the %llu pixel limit",
                   width, height, (unsigned long long)limits->max_pixels);
        break;
    }
}

/*
 * libpng's own user limits (set as a second line of defence) stop an oversized IHDR inside
 * png_read_info with a generic error. To report it as "too large" with the dimensions, look at the
 * IHDR bytes: it is always the first chunk, right after the 8-byte signature.
 */
static int raw_ihdr_dimensions(const uint8_t *data, size_t size, uint32_t *width, uint32_t *height) {
    static const uint8_t ihdr_start[8] = {0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    if (size < 24 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) return 0;
    if (memcmp(data + 8, ihdr_start, sizeof ihdr_start) != 0) return 0;
    *width = png_get_uint_32(data + 16);
    *height = png_get_uint_32(data + 20);
    return 1;
}

static int limits_valid(const mw_png_limits *limits) {
    return limits->max_width >= 1 && limits->max_width <= MW_PNG_DIMENSION_MAX
        && limits->max_height >= 1 && limits->max_height <= MW_PNG_DIMENSION_MAX
        && limits->max_pixels >= 1 && limits->max_chunk_bytes >= 1;
}

/* MARK: reading */

static int read_info(mw_png_reader *reader) {
    if (setjmp(png_jmpbuf(reader->png))) return -1;
    png_read_info(reader->png, reader->info);
    return 0;
}

mw_png_reader *mw_png_reader_open(const uint8_t *data, size_t size, const mw_png_limits *limits,
                                  mw_png_report *report) {
    if (report == NULL) return NULL;
    report_reset(report);
    if ((data == NULL && size > 0) || limits == NULL || !limits_valid(limits)) {
        report_set(report, MW_PNG_BAD_ARGUMENT, "invalid PNG reader arguments");
        return NULL;
    }

    mw_png_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        report_set(report, MW_PNG_NO_MEMORY, "out of memory");
        return NULL;
    }
    reader->data = data;
    reader->size = size;
    reader->callbacks.report = report;
    reader->callbacks.max_chunk_bytes = limits->max_chunk_bytes;

    reader->png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &reader->callbacks, on_error, on_warning,
                                           &reader->callbacks, on_malloc, on_free);
    if (reader->png != NULL) reader->info = png_create_info_struct(reader->png);
    if (reader->png == NULL || reader->info == NULL) {
        mw_png_reader_close(reader);
        report_set(report, MW_PNG_NO_MEMORY, "out of memory");
        return NULL;
    }
    png_set_read_fn(reader->png, reader, on_read);
    png_set_user_limits(reader->png, limits->max_width, limits->max_height);
    png_set_chunk_malloc_max(reader->png, (png_alloc_size_t)limits->max_chunk_bytes);
    png_set_chunk_cache_max(reader->png, MW_PNG_CHUNK_CACHE_MAX);

    if (read_info(reader) != 0) {
        uint32_t width = 0, height = 0;
        mw_png_limit limit = MW_PNG_LIMIT_NONE;
        if (report->status == MW_PNG_CORRUPT && raw_ihdr_dimensions(data, size, &width, &height))
            limit = exceeded_limit(width, height, limits);
        if (limit != MW_PNG_LIMIT_NONE) report_too_large(report, width, height, limit, limits);
        mw_png_reader_close(reader);
        return NULL;
    }

    reader->width = png_get_image_width(reader->png, reader->info);
    reader->height = png_get_image_height(reader->png, reader->info);
    report->width = reader->width;
    report->height = reader->height;
    mw_png_limit limit = exceeded_limit(reader->width, reader->height, limits);
    if (limit != MW_PNG_LIMIT_NONE) {
        report_too_large(report, reader->width, reader->height, limit, limits);
        mw_png_reader_close(reader);
        return NULL;
    }
    return reader;
}

uint32_t mw_png_reader_width(const mw_png_reader *reader) { return reader != NULL ? reader->width : 0; }
uint32_t mw_png_reader_height(const mw_png_reader *reader) { return reader != NULL ? reader->height : 0; }

int mw_png_reader_icc(const mw_png_reader *reader, const uint8_t **data, size_t *length) {
    if (reader == NULL || data == NULL || length == NULL) return -1;
    png_charp name = NULL;
    int compression = 0;
    png_bytep profile = NULL;
    png_uint_32 size = 0;
    if (png_get_iCCP(reader->png, reader->info, &name, &compression, &profile, &size) != PNG_INFO_iCCP || profile == NULL)
        return -1;
    *data = profile;
    *length = size;
    return 0;
}

int mw_png_reader_has_alpha(const mw_png_reader *reader) {
    if (reader == NULL) return 0;
    return (png_get_color_type(reader->png, reader->info) & PNG_COLOR_MASK_ALPHA) != 0
        || png_get_valid(reader->png, reader->info, PNG_INFO_tRNS) != 0;
}

/* Asks libpng for RGBA8 whatever the stored format is. */
static void request_rgba8(png_structp png, png_infop info) {
    int color_type = png_get_color_type(png, info);
    /* palette -> RGB, grey 1/2/4 -> 8 bits, tRNS -> alpha channel */
    png_set_expand(png);
    if (png_get_bit_depth(png, info) == 16) png_set_strip_16(png);
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
    if ((color_type & PNG_COLOR_MASK_ALPHA) == 0 && png_get_valid(png, info, PNG_INFO_tRNS) == 0)
        png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
}

static int read_pixels(mw_png_reader *reader, uint8_t *dst) {
    png_structp png = reader->png;
    png_infop info = reader->info;
    if (setjmp(png_jmpbuf(png))) return -1;

    request_rgba8(png, info);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_bit_depth(png, info) != 8 || png_get_channels(png, info) != 4
        || png_get_rowbytes(png, info) != (size_t)reader->width * 4)
        png_error(png, "libpng did not produce RGBA8 rows");

    /* Row by row into the caller's buffer: no row-pointer array to allocate. For Adam7, each pass
     * writes its own pixels of each full row (what png_read_image does). */
    size_t stride = (size_t)reader->width * 4;
    for (int pass = 0; pass < passes; pass++) {
        for (uint32_t y = 0; y < reader->height; y++) png_read_row(png, dst + (size_t)y * stride, NULL);
    }
    /* Trailing chunks up to IEND, with their CRCs. */
    png_read_end(png, info);
    return 0;
}

mw_png_status mw_png_reader_read_rgba(mw_png_reader *reader, uint8_t *dst, size_t dst_size,
                                      mw_png_report *report) {
    if (report == NULL) return MW_PNG_BAD_ARGUMENT;
    report_reset(report);
    if (reader == NULL || dst == NULL || reader->pixels_read
        || dst_size != (size_t)reader->width * (size_t)reader->height * 4) {
        report_set(report, MW_PNG_BAD_ARGUMENT, "invalid PNG read arguments");
        return MW_PNG_BAD_ARGUMENT;
    }
    report->width = reader->width;
    report->height = reader->height;
    reader->pixels_read = 1;
    reader->callbacks.report = report;
    int failed = read_pixels(reader, dst);
    reader->callbacks.report = NULL;
    if (failed) return report->status;
    report->status = MW_PNG_OK;
    return MW_PNG_OK;
}

void mw_png_reader_close(mw_png_reader *reader) {
    if (reader == NULL) return;
    if (reader->png != NULL) {
        reader->callbacks.report = NULL;
        png_destroy_read_struct(&reader->png, reader->info != NULL ? &reader->info : NULL, NULL);
    }
    free(reader);
}

/* MARK: writing */

typedef struct mw_png_output {
    uint8_t *data;
    size_t size;
    size_t capacity;
    mw_png_callbacks *callbacks;
} mw_png_output;

static void on_write(png_structp png, png_bytep bytes, size_t length) {
    mw_png_output *output = (mw_png_output *)png_get_io_ptr(png);
    if (length > SIZE_MAX - output->size) png_error(png, "PNG output too large");
    size_t needed = output->size + length;
    if (needed > output->capacity) {
        size_t capacity = output->capacity > 0 ? output->capacity : 64 * 1024;
        while (capacity < needed) capacity = capacity > SIZE_MAX / 2 ? needed : capacity * 2;
        uint8_t *grown = realloc(output->data, capacity);
        if (grown == NULL) {
            output->callbacks->out_of_memory = 1;
            png_error(png, "out of memory");
        }
        output->data = grown;
        output->capacity = capacity;
    }
    memcpy(output->data + output->size, bytes, length);
    output->size = needed;
}

static void on_flush(png_structp png) { (void)png; }

static int write_rgba(png_structp png, png_infop info, const uint8_t *rgba, uint32_t width, uint32_t height,
                      int level) {
    if (setjmp(png_jmpbuf(png))) return -1;
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level);
    png_write_info(png, info);
    size_t stride = (size_t)width * 4;
    for (uint32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgba + (size_t)y * stride));
    png_write_end(png, NULL);
    return 0;
}

mw_png_status mw_png_encode_rgba(const uint8_t *rgba, uint32_t width, uint32_t height,
                                 int compression_level, uint8_t **out, size_t *out_size,
                                 mw_png_report *report) {
    if (report == NULL) return MW_PNG_BAD_ARGUMENT;
    report_reset(report);
    if (out != NULL) *out = NULL;
    if (out_size != NULL) *out_size = 0;
    if (rgba == NULL || out == NULL || out_size == NULL || width == 0 || height == 0
        || width > MW_PNG_DIMENSION_MAX || height > MW_PNG_DIMENSION_MAX
        || compression_level < 0 || compression_level > 9) {
        report_set(report, MW_PNG_BAD_ARGUMENT, "invalid PNG encode arguments");
        return MW_PNG_BAD_ARGUMENT;
    }
    report->width = width;
    report->height = height;

    mw_png_callbacks callbacks = {report, 0, 0};
    mw_png_output output = {NULL, 0, 0, &callbacks};
    png_structp png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, &callbacks, on_error, on_warning,
                                                &callbacks, on_malloc, on_free);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    if (png == NULL || info == NULL) {
        if (png != NULL) png_destroy_write_struct(&png, NULL);
        report_set(report, MW_PNG_NO_MEMORY, "out of memory");
        return MW_PNG_NO_MEMORY;
    }
    /* What we write is ours, not untrusted: lift libpng's default 1,000,000 px user limits. */
    png_set_user_limits(png, MW_PNG_DIMENSION_MAX, MW_PNG_DIMENSION_MAX);
    png_set_write_fn(png, &output, on_write, on_flush);

    int failed = write_rgba(png, info, rgba, width, height, compression_level);
    png_destroy_write_struct(&png, &info);
    if (failed) {
        free(output.data);
        /* libpng refusing what we asked it to write is a bad argument, not corrupt data. */
        if (report->status == MW_PNG_CORRUPT) report->status = MW_PNG_BAD_ARGUMENT;
        return report->status;
    }
    *out = output.data;
    *out_size = output.size;
    report->status = MW_PNG_OK;
    return MW_PNG_OK;
}

void mw_png_free(void *pointer) { free(pointer); }
