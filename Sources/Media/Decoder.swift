import CFFmpeg

/// What `receive` found: FFmpeg's EAGAIN and EOF are control flow, not errors.
public enum ReceiveResult: Sendable, Equatable {
    case frame
    case needsInput
    case endOfStream
}

/// Owns a decoding `AVCodecContext` for one stream of an input.
public final class Decoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    public let streamIndex: Int
    public let timeBase: Rational
    public let type: MediaType
    public let codecName: String
    private let file: String
    // The input whose stream this decoder reads; kept alive while the decoder lives.
    private let input: InputContainer

    /// Open a decoder for `stream` of `input`, refusing codecs outside the input policy's allowlist.
    /// - Parameter threads: `0` lets FFmpeg pick (all cores); the library's default would be 1.
    public init(input: InputContainer, stream: Int, threads: Int = 0) throws(MediaError) {
        self.input = input
        self.file = input.path
        self.streamIndex = stream
        let st = input.stream(stream)
        let par = st.pointee.codecpar!
        type = MediaType(par.pointee.codec_type)
        timeBase = Rational(st.pointee.time_base)
        let codecID = par.pointee.codec_id
        guard let codec = avcodec_find_decoder(codecID) else {
            throw MediaError.unsupported("open decoder", "no decoder for codec '\(String(cString: avcodec_get_name(codecID)))'", file: input.path)
        }
        codecName = String(cString: codec.pointee.name)
        guard input.policy.decoders.contains(codecName) else {
            throw MediaError.refused("open decoder", "codec '\(codecName)' is not allowed by the input policy", file: input.path)
        }
        if type == .video {
            let pixels = Int64(par.pointee.width) * Int64(par.pointee.height)
            if pixels > input.policy.maxPixels || par.pointee.width > 16384 || par.pointee.height > 16384 {
                throw MediaError.refused("open decoder", "picture \(par.pointee.width)×\(par.pointee.height) is over the limit of \(input.policy.maxPixels) pixels", file: input.path)
            }
        }
        guard let ctx = avcodec_alloc_context3(codec) else { throw MediaError.outOfMemory("allocate decoder") }
        context = ctx
        try check(avcodec_parameters_to_context(ctx, par), "configure decoder", file: input.path)
        ctx.pointee.pkt_timebase = st.pointee.time_base
        ctx.pointee.thread_count = Int32(threads)
        if type == .video { ctx.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE }
        var options: OpaquePointer? = nil
        av_dict_set_int(&options, "max_pixels", input.policy.maxPixels, 0)
        av_dict_set(&options, "codec_whitelist", input.policy.decoders.sorted().joined(separator: ","), 0)
        let code = avcodec_open2(ctx, codec, &options)
        av_dict_free(&options)
        try check(code, "open \(codecName) decoder", file: input.path)
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Send a packet; `nil` flushes (end of stream). Returns false when the decoder is full
    /// (receive frames first, then send the same packet again).
    public func send(_ packet: Packet?) throws(MediaError) -> Bool {
        let code = avcodec_send_packet(context, packet?.pointer)
        if code == AVCode.again { return false }
        if code == AVCode.eof { return true }
        if code == AVCode.invalidData {
            throw MediaError.unsupported("decode \(type.rawValue)", "damaged \(codecName) data (\(errorText(code)))", file: file)
        }
        try check(code, "decode \(type.rawValue)", file: file)
        return true
    }

    /// Receive the next decoded frame into `frame`.
    public func receive(into frame: Frame) throws(MediaError) -> ReceiveResult {
        frame.unref()
        let code = avcodec_receive_frame(context, frame.pointer)
        if code == AVCode.again { return .needsInput }
        if code == AVCode.eof { return .endOfStream }
        if code == AVCode.invalidData {
            throw MediaError.unsupported("decode \(type.rawValue)", "damaged \(codecName) data (\(errorText(code)))", file: file)
        }
        try check(code, "decode \(type.rawValue)", file: file)
        if type == .video {
            let pixels = Int64(frame.width) * Int64(frame.height)
            if pixels > input.policy.maxPixels {
                throw MediaError.refused("decode video", "picture \(frame.width)×\(frame.height) is over the pixel limit", file: file)
            }
        }
        return .frame
    }

    /// Reset after a seek.
    public func flushBuffers() { avcodec_flush_buffers(context) }

    public var width: Int { Int(context.pointee.width) }
    public var height: Int { Int(context.pointee.height) }
    public var pixelFormat: PixelFormat { PixelFormat(rawValue: context.pointee.pix_fmt.rawValue) }
    public var sampleRate: Int { Int(context.pointee.sample_rate) }
    public var channelCount: Int { Int(context.pointee.ch_layout.nb_channels) }
}
