import CFFmpeg

/// Owns one `AVFrame`.
public final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    public init() throws(MediaError) {
        guard let f = av_frame_alloc() else { throw MediaError.outOfMemory("allocate frame") }
        pointer = f
    }

    deinit {
        var f: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&f)
    }

    /// A video frame with its own buffers.
    public static func video(width: Int, height: Int, format: PixelFormat) throws(MediaError) -> Frame {
        let frame = try Frame()
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        frame.pointer.pointee.format = format.rawValue
        try check(av_frame_get_buffer(frame.pointer, 0), "allocate \(width)×\(height) frame")
        return frame
    }

    /// A new frame referencing the same (reference-counted) buffers. The buffers are shared:
    /// treat both as read-only unless `makeWritable()` is called.
    public func reference() throws(MediaError) -> Frame {
        let copy = try Frame()
        try check(av_frame_ref(copy.pointer, pointer), "reference frame")
        return copy
    }

    public func makeWritable() throws(MediaError) {
        try check(av_frame_make_writable(pointer), "make frame writable")
    }

    public func unref() { av_frame_unref(pointer) }

    public var width: Int { Int(pointer.pointee.width) }
    public var height: Int { Int(pointer.pointee.height) }
    public var pixelFormat: PixelFormat { PixelFormat(rawValue: pointer.pointee.format) }
    public var sampleCount: Int { Int(pointer.pointee.nb_samples) }
    public var sampleRate: Int { Int(pointer.pointee.sample_rate) }
    public var channelCount: Int { Int(pointer.pointee.ch_layout.nb_channels) }

    /// Presentation timestamp in the frame's producer's time base; `nil` for AV_NOPTS_VALUE.
    public var pts: Int64? {
        get {
            let best = pointer.pointee.best_effort_timestamp
            if best != AVCode.noPTS { return best }
            return pointer.pointee.pts == AVCode.noPTS ? nil : pointer.pointee.pts
        }
        // The getter prefers best_effort_timestamp: clear it, so the frame reads back what was set (a filter
        // copies it unchanged into a frame of another time base).
        set {
            pointer.pointee.pts = newValue ?? AVCode.noPTS
            pointer.pointee.best_effort_timestamp = AVCode.noPTS
        }
    }

    /// The frame's duration in its producer's time base (FFmpeg 5.1: `pkt_duration`), 0 when unknown.
    public var durationTicks: Int64 { pointer.pointee.pkt_duration }

    public var sampleAspectRatio: Rational { Rational(pointer.pointee.sample_aspect_ratio) }
    public var isFullRange: Bool { pointer.pointee.color_range == AVCOL_RANGE_JPEG }
    public var colorSpace: AVColorSpace { pointer.pointee.colorspace }

    /// Plane pointer and stride.
    public func data(_ plane: Int) -> UnsafeMutablePointer<UInt8>? { mw_frame_data(pointer, Int32(plane)) }
    public func linesize(_ plane: Int) -> Int { Int(mw_frame_linesize(pointer, Int32(plane))) }

    /// Copy the colour description (range, matrix, primaries, transfer) from another frame.
    public func copyColorProperties(from other: Frame) {
        pointer.pointee.color_range = other.pointer.pointee.color_range
        pointer.pointee.colorspace = other.pointer.pointee.colorspace
        pointer.pointee.color_primaries = other.pointer.pointee.color_primaries
        pointer.pointee.color_trc = other.pointer.pointee.color_trc
        pointer.pointee.chroma_location = other.pointer.pointee.chroma_location
    }

    public func setColor(range: AVColorRange, space: AVColorSpace, primaries: AVColorPrimaries,
                         transfer: AVColorTransferCharacteristic) {
        pointer.pointee.color_range = range
        pointer.pointee.colorspace = space
        pointer.pointee.color_primaries = primaries
        pointer.pointee.color_trc = transfer
    }
}

/// A pixel format, by FFmpeg's enum value.
public struct PixelFormat: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    init(_ f: AVPixelFormat) { rawValue = f.rawValue }
    var av: AVPixelFormat { AVPixelFormat(rawValue: rawValue) }

    public static let yuv420p = PixelFormat(AV_PIX_FMT_YUV420P)
    public static let rgba = PixelFormat(AV_PIX_FMT_RGBA)
    public static let rgb24 = PixelFormat(AV_PIX_FMT_RGB24)
    public static let gray = PixelFormat(AV_PIX_FMT_GRAY8)
    public static let none = PixelFormat(AV_PIX_FMT_NONE)

    public var name: String {
        guard let n = av_get_pix_fmt_name(av) else { return "none" }
        return String(cString: n)
    }
    public var description: String { name }

    public init?(name: String) {
        let f = av_get_pix_fmt(name)
        if f == AV_PIX_FMT_NONE { return nil }
        self.init(f)
    }

    /// log2 of the chroma subsampling (0 for none) horizontally and vertically.
    public var chromaShift: (x: Int, y: Int) {
        guard let d = av_pix_fmt_desc_get(av) else { return (0, 0) }
        return (Int(d.pointee.log2_chroma_w), Int(d.pointee.log2_chroma_h))
    }
    public var isPlanarYUV: Bool {
        guard let d = av_pix_fmt_desc_get(av) else { return false }
        return d.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0 && d.pointee.flags & UInt64(AV_PIX_FMT_FLAG_PLANAR) != 0
            && d.pointee.nb_components >= 3
    }
    public var bitDepth: Int {
        guard let d = av_pix_fmt_desc_get(av) else { return 8 }
        return Int(d.pointee.comp.0.depth)
    }
}
