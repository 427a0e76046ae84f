import CFFmpeg

/// An output file being written (muxer). Owns its `AVFormatContext` and its `AVIOContext`.
/// Write to a temporary path and rename after `finish()`: a failed write leaves only the temporary file,
/// which the caller removes.
public final class OutputContainer {
    public let path: String
    let context: UnsafeMutablePointer<AVFormatContext>
    private var headerWritten = false
    private var finished = false
    private var streamTimeBases: [Rational] = []

    /// - Parameter format: a muxer name ("mp4"); by default guessed from the path.
    public init(path: String, format: String? = "mp4") throws(MediaError) {
        self.path = path
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_alloc_output_context2(&ctx, nil, format, path), "create output", file: path)
        guard let ctx else { throw MediaError.outOfMemory("allocate output context") }
        context = ctx
        var options: OpaquePointer? = nil
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        let code = avio_open2(&ctx.pointee.pb, "file:" + InputContainer.absolute(path), AVIO_FLAG_WRITE, nil, &options)
        av_dict_free(&options)
        if code < 0 {
            avformat_free_context(ctx)
            throw MediaError.ffmpeg(code, "open output for writing", file: path)
        }
    }

    deinit {
        avio_closep(&context.pointee.pb)
        avformat_free_context(context)
    }

    /// Whether encoders feeding this muxer must put their headers in extradata.
    public var needsGlobalHeader: Bool {
        context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0
    }

    /// Add a stream carrying what `encoder` produces. Returns the stream index.
    @discardableResult
    public func addStream(for encoder: Encoder) throws(MediaError) -> Int {
        guard let st = avformat_new_stream(context, nil) else { throw MediaError.outOfMemory("add output stream") }
        try check(avcodec_parameters_from_context(st.pointee.codecpar, encoder.context), "describe output stream", file: path)
        st.pointee.time_base = encoder.timeBase.av
        if encoder.type == .video {
            st.pointee.avg_frame_rate = encoder.context.pointee.framerate
            st.pointee.sample_aspect_ratio = encoder.context.pointee.sample_aspect_ratio
        }
        streamTimeBases.append(encoder.timeBase)
        return Int(st.pointee.index)
    }

    /// Write the header. MP4 options: the moov atom first (`+faststart`), no edit lists, and negative
    /// composition offsets so B-frames need no edit list to start at zero.
    public func writeHeader(faststart: Bool = true) throws(MediaError) {
        var options: OpaquePointer? = nil
        if context.pointee.oformat.pointee.name.map({ String(cString: $0) }) == "mp4" {
            av_dict_set(&options, "movflags", faststart ? "+faststart+negative_cts_offsets" : "+negative_cts_offsets", 0)
            av_dict_set(&options, "use_editlist", "0", 0)
        }
        let code = avformat_write_header(context, &options)
        av_dict_free(&options)
        try check(code, "write header", file: path)
        headerWritten = true
        // The muxer may have changed each stream's time base.
        for i in 0..<Int(context.pointee.nb_streams) {
            streamTimeBases[i] = Rational(context.pointee.streams[i]!.pointee.time_base)
        }
    }

    public func timeBase(of stream: Int) -> Rational { streamTimeBases[stream] }

    /// Write one packet (timestamps in `packet.timeBase`), interleaved. Takes the packet's data.
    public func write(_ packet: Packet, stream: Int) throws(MediaError) {
        let from = packet.timeBase
        packet.streamIndex = Int32(stream)
        packet.rescale(from: from, to: streamTimeBases[stream])
        try check(av_interleaved_write_frame(context, packet.pointer), "write packet", file: path)
    }

    /// Write the trailer (and move the moov atom first) and close the file.
    public func finish() throws(MediaError) {
        guard headerWritten, !finished else { return }
        finished = true
        try check(av_write_trailer(context), "write trailer", file: path)
        try check(avio_closep(&context.pointee.pb), "close output", file: path)
    }
}
