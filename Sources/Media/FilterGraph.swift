import CFFmpeg

/// Owns one libavfilter `AVFilterGraph` of the shape buffer source → `filters` → buffer sink, for video.
/// Frames go in with `send`, come out with `receive` (`.frame`, `.needsInput`, `.endOfStream`), and carry
/// the sink's time base (`outputTimeBase`), which a filter may change (bwdif halves it).
///
/// The two filter contexts belong to the graph and are freed with it. Not shared between threads.
public final class FilterGraph {
    private let graph: UnsafeMutablePointer<AVFilterGraph>
    private let source: UnsafeMutablePointer<AVFilterContext>
    private let sink: UnsafeMutablePointer<AVFilterContext>
    /// The description this graph was built from, e.g. `bwdif=mode=send_frame`.
    public let filters: String
    /// What the buffer source was configured for; a frame that differs needs a new graph.
    public let input: VideoParameters
    /// The time base of the frames `receive` returns.
    public let outputTimeBase: Rational
    /// The frame rate the sink announces (bwdif in field mode doubles it), when the source gave one.
    public let outputFrameRate: Rational?

    /// What a buffer source is configured with.
    public struct VideoParameters: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var format: PixelFormat
        public var timeBase: Rational
        public var sampleAspect: Rational
        public var frameRate: Rational?

        public init(width: Int, height: Int, format: PixelFormat, timeBase: Rational, sampleAspect: Rational, frameRate: Rational?) {
            self.width = width; self.height = height; self.format = format; self.timeBase = timeBase
            self.sampleAspect = sampleAspect; self.frameRate = frameRate
        }

        /// The parameters of a decoded frame in `timeBase`.
        public init(frame: Frame, timeBase: Rational, frameRate: Rational?) {
            let sar = frame.sampleAspectRatio
            self.init(width: frame.width, height: frame.height, format: frame.pixelFormat, timeBase: timeBase,
                      sampleAspect: sar.isValid ? sar : Rational(1, 1), frameRate: frameRate)
        }

        /// Same picture geometry and format (the time base and rate are fixed for a stream).
        public func accepts(_ frame: Frame) -> Bool {
            frame.width == width && frame.height == height && frame.pixelFormat == format
        }
    }

    /// - Parameters:
    ///   - filters: a libavfilter description of a single-input, single-output chain (`bwdif=…`, `idet`).
    ///   - threads: libavfilter's slice threads for the graph (`0`: as many as cores).
    public init(video input: VideoParameters, filters: String, threads: Int = 0) throws(MediaError) {
        guard input.width > 0, input.height > 0, input.timeBase.isValid else {
            throw MediaError.invalidArgument("create filter graph", "\(input.width)×\(input.height), time base \(input.timeBase) is not a video")
        }
        guard let g = avfilter_graph_alloc() else { throw MediaError.outOfMemory("allocate filter graph") }
        let built: (UnsafeMutablePointer<AVFilterContext>, UnsafeMutablePointer<AVFilterContext>)
        do throws(MediaError) {
            g.pointee.nb_threads = Int32(threads)
            built = try Self.build(graph: g, input: input, filters: filters)
        } catch {
            var gp: UnsafeMutablePointer<AVFilterGraph>? = g
            avfilter_graph_free(&gp)
            throw error
        }
        graph = g
        source = built.0
        sink = built.1
        self.filters = filters
        self.input = input
        outputTimeBase = Rational(av_buffersink_get_time_base(built.1))
        let rate = Rational(av_buffersink_get_frame_rate(built.1))
        outputFrameRate = rate.isValid ? rate : nil
    }

    deinit {
        var g: UnsafeMutablePointer<AVFilterGraph>? = graph
        avfilter_graph_free(&g)
    }

    private static func build(graph g: UnsafeMutablePointer<AVFilterGraph>, input: VideoParameters,
                              filters: String) throws(MediaError) -> (UnsafeMutablePointer<AVFilterContext>, UnsafeMutablePointer<AVFilterContext>) {
        let op = "create filter graph '\(filters)'"
        guard let bufferFilter = avfilter_get_by_name("buffer"), let sinkFilter = avfilter_get_by_name("buffersink") else {
            throw MediaError.unsupported(op, "libavfilter has no buffer/buffersink filter", file: nil)
        }
        var args = "video_size=\(input.width)x\(input.height):pix_fmt=\(input.format.rawValue)"
            + ":time_base=\(input.timeBase.num)/\(input.timeBase.den)"
            + ":pixel_aspect=\(input.sampleAspect.num)/\(input.sampleAspect.den)"
        if let r = input.frameRate, r.isValid { args += ":frame_rate=\(r.num)/\(r.den)" }
        var src: UnsafeMutablePointer<AVFilterContext>?
        try check(avfilter_graph_create_filter(&src, bufferFilter, "in", args, nil, g), op)
        var snk: UnsafeMutablePointer<AVFilterContext>?
        try check(avfilter_graph_create_filter(&snk, sinkFilter, "out", nil, nil, g), op)
        guard let src, let snk else { throw MediaError.outOfMemory(op) }
        // Keep the source's pixel format: the chain must not convert behind the caller's back.
        let format = input.format.rawValue
        let code = withUnsafeBytes(of: format) { raw in
            av_opt_set_bin(UnsafeMutableRawPointer(snk), "pix_fmts", raw.bindMemory(to: UInt8.self).baseAddress,
                           Int32(raw.count), AV_OPT_SEARCH_CHILDREN)
        }
        try check(code, op)

        // avfilter_graph_parse_ptr links the description's open ends: its input "in" to our source,
        // its output "out" to our sink. It takes ownership of the AVFilterInOut lists (frees them).
        var outputs = avfilter_inout_alloc()
        var inputs = avfilter_inout_alloc()
        defer { avfilter_inout_free(&outputs); avfilter_inout_free(&inputs) }
        guard let o = outputs, let i = inputs else { throw MediaError.outOfMemory(op) }
        o.pointee.name = av_strdup("in")
        o.pointee.filter_ctx = src
        o.pointee.pad_idx = 0
        o.pointee.next = nil
        i.pointee.name = av_strdup("out")
        i.pointee.filter_ctx = snk
        i.pointee.pad_idx = 0
        i.pointee.next = nil
        try check(avfilter_graph_parse_ptr(g, filters, &inputs, &outputs, nil), op)
        try check(avfilter_graph_config(g, nil), op)
        return (src, snk)
    }

    /// Send a frame (the graph takes its own reference; `frame` is unchanged), or `nil` at the end of the stream.
    public func send(_ frame: Frame?) throws(MediaError) {
        if let frame {
            try check(av_buffersrc_add_frame_flags(source, frame.pointer, Int32(AV_BUFFERSRC_FLAG_KEEP_REF)),
                      "filter frame through '\(filters)'")
        } else {
            try check(av_buffersrc_add_frame_flags(source, nil, 0), "flush filter '\(filters)'")
        }
    }

    /// Receive the next filtered frame into `frame` (timestamps in `outputTimeBase`).
    public func receive(into frame: Frame) throws(MediaError) -> ReceiveResult {
        frame.unref()
        let code = av_buffersink_get_frame(sink, frame.pointer)
        if code == AVCode.again { return .needsInput }
        if code == AVCode.eof { return .endOfStream }
        try check(code, "filter frame through '\(filters)'")
        return .frame
    }
}
