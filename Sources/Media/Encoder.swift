import CFFmpeg

/// Settings of the H.264 encoder (libx264).
public struct VideoEncoderSettings: Sendable {
    public var width: Int
    public var height: Int
    /// Constant output frame rate; the encoder's time base is its inverse.
    public var frameRate: Rational
    public var crf: Int = 23
    public var preset: String = "veryfast"
    public var profile: String = "high"
    /// VBV cap (`maxrate`, with a buffer of twice that), kb/s.
    public var maxBitrateKbps: Int?
    /// Longest distance between keyframes, in frames (closed GOPs: x264's default).
    public var keyframeInterval: Int
    /// x264 threads; 0 lets x264 pick (the library default would be 1).
    public var threads: Int = 0
    /// Colour description written into the stream.
    public var colorSpace: AVColorSpace = AVCOL_SPC_BT709
    public var colorPrimaries: AVColorPrimaries = AVCOL_PRI_BT709
    public var colorTransfer: AVColorTransferCharacteristic = AVCOL_TRC_BT709

    public init(width: Int, height: Int, frameRate: Rational, crf: Int = 23, preset: String = "veryfast",
                maxBitrateKbps: Int? = nil, keyframeSeconds: Double = 2, threads: Int = 0) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.crf = crf
        self.preset = preset
        self.maxBitrateKbps = maxBitrateKbps
        self.keyframeInterval = max(1, Int((frameRate.double * keyframeSeconds).rounded(.down)))
        self.threads = threads
    }
}

/// Settings of the AAC-LC encoder.
public struct AudioEncoderSettings: Sendable {
    public var sampleRate: Int = 48_000
    public var bitRate: Int = 128_000
    public init(sampleRate: Int = 48_000, bitRate: Int = 128_000) {
        self.sampleRate = sampleRate
        self.bitRate = bitRate
    }
}

/// Owns an encoding `AVCodecContext`.
public final class Encoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    public let type: MediaType
    let name: String
    /// Read after opening: `avcodec_open2` may adjust it.
    public var timeBase: Rational { Rational(context.pointee.time_base) }

    private init(context: UnsafeMutablePointer<AVCodecContext>, type: MediaType, name: String) {
        self.context = context
        self.type = type
        self.name = name
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// libx264, High profile, yuv420p, closed GOP, the given keyframe interval.
    public static func h264(_ s: VideoEncoderSettings, globalHeader: Bool) throws(MediaError) -> Encoder {
        guard s.width > 0, s.height > 0, s.width % 2 == 0, s.height % 2 == 0 else {
            throw MediaError.invalidArgument("open H.264 encoder", "dimensions \(s.width)×\(s.height) must be even and positive")
        }
        guard (0...51).contains(s.crf) else { throw MediaError.invalidArgument("open H.264 encoder", "crf \(s.crf) is outside 0…51") }
        guard let codec = avcodec_find_encoder_by_name("libx264") else {
            throw MediaError.unsupported("open H.264 encoder", "this FFmpeg has no libx264 encoder", file: nil)
        }
        // Allocated with the codec so that x264's defaults match the CLI's.
        guard let ctx = avcodec_alloc_context3(codec) else { throw MediaError.outOfMemory("allocate H.264 encoder") }
        let encoder = Encoder(context: ctx, type: .video, name: "libx264")
        ctx.pointee.width = Int32(s.width)
        ctx.pointee.height = Int32(s.height)
        ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        ctx.pointee.time_base = AVRational(num: s.frameRate.den, den: s.frameRate.num)
        ctx.pointee.framerate = s.frameRate.av
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        ctx.pointee.gop_size = Int32(s.keyframeInterval)
        ctx.pointee.thread_count = Int32(s.threads)
        ctx.pointee.color_range = AVCOL_RANGE_MPEG
        ctx.pointee.colorspace = s.colorSpace
        ctx.pointee.color_primaries = s.colorPrimaries
        ctx.pointee.color_trc = s.colorTransfer
        if globalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        if let kbps = s.maxBitrateKbps {
            ctx.pointee.rc_max_rate = Int64(kbps) * 1000
            ctx.pointee.rc_buffer_size = Int32(clamping: Int64(kbps) * 2000)
        }
        var options: OpaquePointer? = nil
        av_dict_set(&options, "preset", s.preset, 0)
        av_dict_set(&options, "profile", s.profile, 0)
        av_dict_set(&options, "crf", String(s.crf), 0)
        let code = avcodec_open2(ctx, codec, &options)
        av_dict_free(&options)
        if code == mw_averror_einval() {
            throw MediaError.invalidArgument("open H.264 encoder", "libx264 refused the settings (preset '\(s.preset)', crf \(s.crf)): \(errorText(code))")
        }
        try check(code, "open H.264 encoder")
        return encoder
    }

    /// FFmpeg's native AAC-LC encoder, stereo, float planar input.
    public static func aac(_ s: AudioEncoderSettings, globalHeader: Bool) throws(MediaError) -> Encoder {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else {
            throw MediaError.unsupported("open AAC encoder", "this FFmpeg has no AAC encoder", file: nil)
        }
        guard let ctx = avcodec_alloc_context3(codec) else { throw MediaError.outOfMemory("allocate AAC encoder") }
        let encoder = Encoder(context: ctx, type: .audio, name: "aac")
        ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        ctx.pointee.sample_rate = Int32(s.sampleRate)
        ctx.pointee.ch_layout = mw_layout_stereo()
        ctx.pointee.bit_rate = Int64(s.bitRate)
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(s.sampleRate))
        ctx.pointee.profile = FF_PROFILE_AAC_LOW
        ctx.pointee.thread_count = 0
        if globalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try check(avcodec_open2(ctx, codec, nil), "open AAC encoder")
        return encoder
    }

    /// Samples per audio frame the encoder expects (1024 for AAC).
    public var frameSize: Int { Int(context.pointee.frame_size) }
    /// Samples of priming the encoder puts before the first real sample.
    public var initialPadding: Int { Int(context.pointee.initial_padding) }
    public var sampleRate: Int { Int(context.pointee.sample_rate) }
    public var width: Int { Int(context.pointee.width) }
    public var height: Int { Int(context.pointee.height) }

    /// Send a frame (`nil` to flush). Returns false when the encoder is full.
    public func send(_ frame: Frame?) throws(MediaError) -> Bool {
        let code = avcodec_send_frame(context, frame?.pointer)
        if code == AVCode.again { return false }
        if code == AVCode.eof { return true }
        try check(code, "encode \(type.rawValue) (\(name))")
        return true
    }

    public func receive(into packet: Packet) throws(MediaError) -> ReceiveResult {
        packet.unref()
        let code = avcodec_receive_packet(context, packet.pointer)
        if code == AVCode.again { return .needsInput }
        if code == AVCode.eof { return .endOfStream }
        try check(code, "encode \(type.rawValue) (\(name))")
        packet.timeBase = timeBase
        return .frame
    }
}
