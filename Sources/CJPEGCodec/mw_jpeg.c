#include "mw_jpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/* MARK: errors */

typedef struct mw_error_mgr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    mw_jpeg_report *report;
    mw_jpeg_limit limit; /* set before an error we raise ourselves */
} mw_error_mgr;

static void report_reset(mw_jpeg_report *r) {
    memset(r, 0, sizeof *r);
}

static void report_set(mw_jpeg_report *r, mw_jpeg_status status, const char *message) {
    r->status = status;
    snprintf(r->message, sizeof r->message, "%s", message);
}

static void on_error_exit(j_common_ptr cinfo) {
    mw_error_mgr *err = (mw_error_mgr *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    int code = cinfo->err->msg_code;
    if (err->limit != MW_JPEG_LIMIT_NONE) {
        err->report->status = MW_JPEG_TOO_LARGE;
        err->report->exceeded = err->limit;
    } else if (code == JERR_OUT_OF_MEMORY) {
        err->report->status = MW_JPEG_TOO_LARGE;
        err->report->exceeded = MW_JPEG_LIMIT_MEMORY;
    } else {
        err->report->status = MW_JPEG_CORRUPT;
    }
    if (err->report->message[0] == 0) snprintf(err->report->message, sizeof err->report->message, "%s", text);
    longjmp(err->jump, 1);
}

/* Warnings: a file that ends before its image does is an error (libjpeg would fill the rest with grey); so is
 * corrupt entropy data. Trace messages (level > 0) are ignored. */
static void on_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    int code = cinfo->err->msg_code;
    if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_NOT_SEQUENTIAL || code == JWRN_MUST_RESYNC) {
        mw_error_mgr *err = (mw_error_mgr *)cinfo->err;
        char text[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, text);
        snprintf(err->report->message, sizeof err->report->message, "%s%s", text,
                 code == JWRN_JPEG_EOF ? " (the file is truncated)" : "");
        err->report->status = MW_JPEG_CORRUPT;
        longjmp(err->jump, 1);
    }
    cinfo->err->num_warnings++;
}

/* MARK: reading */

struct mw_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    mw_error_mgr err;
    struct jpeg_progress_mgr progress;
    mw_jpeg_limits limits;
    uint32_t width, height;
};

/* Called while decoding: stops a progressive file past its scan limit. */
static void on_progress(j_common_ptr common) {
    j_decompress_ptr cinfo = (j_decompress_ptr)common;
    mw_jpeg_reader *reader = (mw_jpeg_reader *)cinfo->client_data;
    if (cinfo->progressive_mode && (uint32_t)cinfo->input_scan_number > reader->limits.max_scans) {
        reader->err.limit = MW_JPEG_LIMIT_SCANS;
        snprintf(reader->err.report->message, sizeof reader->err.report->message,
                 "more than %u scans in a progressive JPEG", reader->limits.max_scans);
        ERREXIT1(cinfo, JERR_NOTIMPL, 0);
    }
}

static mw_jpeg_limit exceeded(uint32_t w, uint32_t h, const mw_jpeg_limits *l) {
    if (w > l->max_width) return MW_JPEG_LIMIT_WIDTH;
    if (h > l->max_height) return MW_JPEG_LIMIT_HEIGHT;
    if ((uint64_t)w * (uint64_t)h > l->max_pixels) return MW_JPEG_LIMIT_PIXELS;
    return MW_JPEG_LIMIT_NONE;
}

mw_jpeg_reader *mw_jpeg_reader_open(const uint8_t *data, size_t size, const mw_jpeg_limits *limits,
                                    mw_jpeg_report *report) {
    if (report == NULL) return NULL;
    report_reset(report);
    if (data == NULL || size == 0 || limits == NULL || limits->max_scans == 0) {
        report_set(report, MW_JPEG_BAD_ARGUMENT, "invalid JPEG reader arguments");
        return NULL;
    }
    mw_jpeg_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        report_set(report, MW_JPEG_NO_MEMORY, "out of memory");
        return NULL;
    }
    reader->limits = *limits;
    reader->cinfo.err = jpeg_std_error(&reader->err.pub);
    reader->err.pub.error_exit = on_error_exit;
    reader->err.pub.emit_message = on_emit_message;
    reader->err.report = report;
    if (setjmp(reader->err.jump)) {
        jpeg_destroy_decompress(&reader->cinfo);
        free(reader);
        return NULL;
    }
    jpeg_create_decompress(&reader->cinfo);
    reader->cinfo.client_data = reader;
    reader->cinfo.mem->max_memory_to_use = (long)(limits->max_memory > 0x7fffffffL ? 0x7fffffffL : limits->max_memory);
    reader->progress.progress_monitor = on_progress;
    reader->cinfo.progress = &reader->progress;
    jpeg_mem_src(&reader->cinfo, data, (unsigned long)size);
    jpeg_save_markers(&reader->cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(&reader->cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&reader->cinfo, TRUE);
    reader->width = reader->cinfo.image_width;
    reader->height = reader->cinfo.image_height;
    report->width = reader->width;
    report->height = reader->height;
    mw_jpeg_limit limit = exceeded(reader->width, reader->height, limits);
    if (limit != MW_JPEG_LIMIT_NONE) {
        report->status = MW_JPEG_TOO_LARGE;
        report->exceeded = limit;
        snprintf(report->message, sizeof report->message, "%ux%u is over the limit", reader->width, reader->height);
        jpeg_destroy_decompress(&reader->cinfo);
        free(reader);
        return NULL;
    }
    return reader;
}

uint32_t mw_jpeg_reader_width(const mw_jpeg_reader *reader) { return reader ? reader->width : 0; }
uint32_t mw_jpeg_reader_height(const mw_jpeg_reader *reader) { return reader ? reader->height : 0; }
int mw_jpeg_reader_progressive(const mw_jpeg_reader *reader) { return reader ? reader->cinfo.progressive_mode != 0 : 0; }

size_t mw_jpeg_reader_marker_count(const mw_jpeg_reader *reader) {
    size_t n = 0;
    if (reader == NULL) return 0;
    for (jpeg_saved_marker_ptr m = reader->cinfo.marker_list; m != NULL; m = m->next) n++;
    return n;
}

int mw_jpeg_reader_marker(const mw_jpeg_reader *reader, size_t index, int *code, const uint8_t **data, size_t *length) {
    if (reader == NULL || code == NULL || data == NULL || length == NULL) return -1;
    size_t i = 0;
    for (jpeg_saved_marker_ptr m = reader->cinfo.marker_list; m != NULL; m = m->next, i++) {
        if (i == index) {
            *code = m->marker;
            *data = m->data;
            *length = m->data_length;
            return 0;
        }
    }
    return -1;
}

int mw_jpeg_reader_read_rgba(mw_jpeg_reader *reader, uint8_t *dst, size_t dst_size, mw_jpeg_report *report) {
    if (reader == NULL || dst == NULL || report == NULL) return -1;
    report_reset(report);
    report->width = reader->width;
    report->height = reader->height;
    if (dst_size != (size_t)reader->width * reader->height * 4) {
        report_set(report, MW_JPEG_BAD_ARGUMENT, "destination size does not match the image");
        return -1;
    }
    reader->err.report = report;
    reader->err.limit = MW_JPEG_LIMIT_NONE;
    J_COLOR_SPACE source = reader->cinfo.jpeg_color_space;
    int cmyk = source == JCS_CMYK || source == JCS_YCCK;
    uint8_t *row = NULL;
    if (setjmp(reader->err.jump)) {
        free(row);
        return -1;
    }
    reader->cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
    reader->cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&reader->cinfo);
    size_t stride = (size_t)reader->width * 4;
    if (cmyk) {
        row = malloc(stride);
        if (row == NULL) {
            report_set(report, MW_JPEG_NO_MEMORY, "out of memory");
            return -1;
        }
    }
    /* Adobe writes CMYK inverted (an APP14 marker says so); libjpeg leaves that to the application. */
    int inverted = reader->cinfo.saw_Adobe_marker;
    while (reader->cinfo.output_scanline < reader->cinfo.output_height) {
        uint8_t *line = dst + (size_t)reader->cinfo.output_scanline * stride;
        JSAMPROW rows[1] = { cmyk ? row : line };
        if (jpeg_read_scanlines(&reader->cinfo, rows, 1) != 1) {
            report_set(report, MW_JPEG_CORRUPT, "no scanline decoded");
            free(row);
            return -1;
        }
        if (cmyk) {
            for (uint32_t x = 0; x < reader->width; x++) {
                int c = row[x * 4], m = row[x * 4 + 1], y = row[x * 4 + 2], k = row[x * 4 + 3];
                if (inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                line[x * 4] = (uint8_t)((255 - c) * (255 - k) / 255);
                line[x * 4 + 1] = (uint8_t)((255 - m) * (255 - k) / 255);
                line[x * 4 + 2] = (uint8_t)((255 - y) * (255 - k) / 255);
                line[x * 4 + 3] = 255;
            }
        }
    }
    jpeg_finish_decompress(&reader->cinfo);
    free(row);
    return 0;
}

void mw_jpeg_reader_close(mw_jpeg_reader *reader) {
    if (reader == NULL) return;
    jpeg_destroy_decompress(&reader->cinfo);
    free(reader);
}

/* MARK: writing */

int mw_jpeg_encode_rgba(const uint8_t *pixels, uint32_t width, uint32_t height, int quality, int progressive,
                        int subsampling, uint8_t **out, size_t *out_size, mw_jpeg_report *report) {
    if (report == NULL) return -1;
    report_reset(report);
    if (pixels == NULL || out == NULL || out_size == NULL || width == 0 || height == 0 || width > 65500 ||
        height > 65500 || quality < 1 || quality > 100 || (subsampling != 420 && subsampling != 444)) {
        report_set(report, MW_JPEG_BAD_ARGUMENT, "invalid JPEG encoder arguments");
        return -1;
    }
    struct jpeg_compress_struct cinfo;
    mw_error_mgr err;
    memset(&err, 0, sizeof err);
    unsigned char *buffer = NULL;
    unsigned long size = 0;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error_exit;
    err.report = report;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_EXT_RGBX;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.optimize_coding = TRUE;
    cinfo.dct_method = JDCT_ISLOW;
    int h = subsampling == 420 ? 2 : 1;
    cinfo.comp_info[0].h_samp_factor = h;
    cinfo.comp_info[0].v_samp_factor = h;
    cinfo.comp_info[1].h_samp_factor = cinfo.comp_info[1].v_samp_factor = 1;
    cinfo.comp_info[2].h_samp_factor = cinfo.comp_info[2].v_samp_factor = 1;
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * 4;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rows[1] = { (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride) };
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = size;
    return 0;
}

void mw_jpeg_free(uint8_t *buffer) { free(buffer); }
