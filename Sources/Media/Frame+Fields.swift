import CFFmpeg

/// How a decoded picture says it was scanned, and what filters attach to it.
extension Frame {
    /// The decoder says the picture holds two interleaved fields (FFmpeg 5.1: `interlaced_frame`).
    public var isInterlaced: Bool { pointer.pointee.interlaced_frame != 0 }
    /// For an interlaced picture: the top field is the earlier one (`top_field_first`).
    public var isTopFieldFirst: Bool { pointer.pointee.top_field_first != 0 }

    /// Set the frame's duration in its producer's time base (FFmpeg 5.1: `pkt_duration`).
    public func setDurationTicks(_ ticks: Int64) { pointer.pointee.pkt_duration = ticks }

    /// A string a filter attached to the frame (`lavfi.idet.multiple.tff`), if any.
    public func metadata(_ key: String) -> String? {
        guard let entry = av_dict_get(pointer.pointee.metadata, key, nil, 0), let value = entry.pointee.value else { return nil }
        return String(cString: value)
    }
}
