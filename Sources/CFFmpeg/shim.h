#ifndef MEDIAWORKER_CFFMPEG_SHIM_H
#define MEDIAWORKER_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>
#include <libavutil/avutil.h>
#include <libavutil/opt.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/display.h>
#include <libavutil/mastering_display_metadata.h>
#include <libavutil/channel_layout.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/samplefmt.h>
#include <libavutil/mathematics.h>
#include <libavutil/dict.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Keeps freed frame-sized buffers in malloc's arenas instead of handing them back to the kernel: with
   glibc's defaults, buffers of a few MB freed by another thread are trimmed (madvise/munmap) and the next
   frame faults in fresh, zeroed (huge) pages, which cost about 5 % of a transcode's CPU time. Returns 1
   when applied (glibc), 0 elsewhere. */
static inline int mw_keep_freed_memory(size_t mmap_threshold, size_t trim_threshold) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1;
#else
    (void)mmap_threshold; (void)trim_threshold;
    return 0;
#endif
}

/* Swift cannot import function-like macros, FFERRTAG expressions or compound
   literals: these static inline stand-ins expose them. */

static inline int mw_averror(int posix) { return AVERROR(posix); }
static inline int mw_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int mw_averror_eof(void) { return AVERROR_EOF; }
static inline int mw_averror_exit(void) { return AVERROR_EXIT; }
static inline int mw_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int mw_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int mw_averror_demuxer_not_found(void) { return AVERROR_DEMUXER_NOT_FOUND; }
static inline int mw_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int mw_averror_eperm(void) { return AVERROR(EPERM); }
static inline int mw_averror_einval(void) { return AVERROR(EINVAL); }
static inline int64_t mw_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational mw_time_base_q(void) { return AV_TIME_BASE_Q; }
static inline int mw_time_base(void) { return AV_TIME_BASE; }

static inline AVChannelLayout mw_layout_stereo(void) {
    AVChannelLayout l = AV_CHANNEL_LAYOUT_STEREO;
    return l;
}

/* AVFrame.data / linesize are fixed C arrays, imported as tuples. */
static inline uint8_t *mw_frame_data(const AVFrame *f, int plane) { return f->data[plane]; }
static inline int mw_frame_linesize(const AVFrame *f, int plane) { return f->linesize[plane]; }
static inline uint8_t **mw_frame_data_array(AVFrame *f) { return f->data; }
static inline int *mw_frame_linesize_array(AVFrame *f) { return f->linesize; }
static inline const uint8_t * const *mw_frame_const_data_array(const AVFrame *f) {
    return (const uint8_t * const *)f->data;
}
static inline uint8_t **mw_frame_extended_data(AVFrame *f) { return f->extended_data; }

/* Error text into a caller buffer (av_err2str is a compound-literal macro). */
static inline void mw_strerror(int code, char *buf, size_t size) { av_strerror(code, buf, size); }

/* Frames whose planes live in one buffer taken from an AVBufferPool (AVFrame.buf is a C array). */
static inline int mw_frame_from_pool(AVFrame *f, AVBufferPool *pool, enum AVPixelFormat fmt, int w, int h, int align) {
    AVBufferRef *buf = av_buffer_pool_get(pool);
    if (!buf) return AVERROR(ENOMEM);
    int ret = av_image_fill_arrays(f->data, f->linesize, buf->data, fmt, w, h, align);
    if (ret < 0) { av_buffer_unref(&buf); return ret; }
    f->buf[0] = buf;
    f->extended_data = f->data;
    f->width = w; f->height = h; f->format = fmt;
    return 0;
}
#endif
