import CFFmpeg

extension Packet {
    /// Byte position of the packet in the input, when the demuxer knows it.
    public var position: Int64? { pointer.pointee.pos >= 0 ? pointer.pointee.pos : nil }
}
