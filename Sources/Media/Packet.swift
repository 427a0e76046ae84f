import CFFmpeg

/// Owns one `AVPacket`.
public final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    public init() throws(MediaError) {
        guard let p = av_packet_alloc() else { throw MediaError.outOfMemory("allocate packet") }
        pointer = p
    }

    deinit {
        var p: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&p)
    }

    /// A new packet referencing the same (reference-counted) data.
    public func reference() throws(MediaError) -> Packet {
        let copy = try Packet()
        try check(av_packet_ref(copy.pointer, pointer), "reference packet")
        return copy
    }

    public func unref() { av_packet_unref(pointer) }

    public var streamIndex: Int32 {
        get { pointer.pointee.stream_index }
        set { pointer.pointee.stream_index = newValue }
    }
    public var size: Int { Int(pointer.pointee.size) }
    public var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }
    /// Raw fields in `timeBase` units (AV_NOPTS_VALUE stays inside the media layer: use `pts`).
    public var pts: Int64? { pointer.pointee.pts == AVCode.noPTS ? nil : pointer.pointee.pts }
    public var dts: Int64? { pointer.pointee.dts == AVCode.noPTS ? nil : pointer.pointee.dts }
    public var duration: Int64 {
        get { pointer.pointee.duration }
        set { pointer.pointee.duration = newValue }
    }
    public var timeBase: Rational {
        get { Rational(pointer.pointee.time_base) }
        set { pointer.pointee.time_base = newValue.av }
    }

    /// Rescale pts, dts and duration from one time base to another.
    public func rescale(from: Rational, to: Rational) {
        av_packet_rescale_ts(pointer, from.av, to.av)
        pointer.pointee.time_base = to.av
    }

    public func setTimestamps(pts: Int64?, dts: Int64?) {
        pointer.pointee.pts = pts ?? AVCode.noPTS
        pointer.pointee.dts = dts ?? AVCode.noPTS
    }

    /// The payload bytes (for hashing and comparisons in tests and verification).
    public var bytes: [UInt8] {
        guard let data = pointer.pointee.data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}
