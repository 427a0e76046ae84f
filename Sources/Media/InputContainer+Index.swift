import CFFmpeg

extension InputContainer {
    /// A keyframe the demuxer's index knows: its index timestamp (the stream's time base) and byte position.
    public struct IndexedKeyframe: Sendable, Equatable {
        public var timestamp: Int64
        public var position: Int64
    }

    /// The keyframes the demuxer's index holds for stream `index`, in timestamp order. MP4/MOV build the
    /// index from the sample tables when the file opens; Matroska from its cues. Empty when the format keeps
    /// no index: callers then read through. What the timestamp means is the demuxer's choice (MP4: the decode
    /// time, while seeking takes presentation times); the position identifies the packet (`Packet.position`).
    public func indexedKeyframes(stream index: Int) -> [IndexedKeyframe] {
        let st = stream(index)
        let count = avformat_index_get_entries_count(st)
        var keyframes: [IndexedKeyframe] = []
        for i in 0..<count {
            guard let entry = avformat_index_get_entry(st, i) else { continue }
            // `flags` is a 2-bit signed bitfield: test the bits, not the value.
            let flags = Int32(entry.pointee.flags)
            if flags & AVINDEX_KEYFRAME != 0, flags & AVINDEX_DISCARD_FRAME == 0 {
                keyframes.append(IndexedKeyframe(timestamp: entry.pointee.timestamp, position: entry.pointee.pos))
            }
        }
        keyframes.sort { $0.timestamp < $1.timestamp }
        return keyframes
    }

    /// Seek so that the next packets of `stream` start at the keyframe at or before presentation time
    /// `timestamp` (the stream's time base).
    public func seek(stream: Int, toTimestamp timestamp: Int64) throws(MediaError) {
        try check(avformat_seek_file(context, Int32(stream), Int64.min, timestamp, timestamp, 0),
                  "seek to \(Timestamp(timestamp, timeBase(of: stream)))", file: path)
    }

    /// Have the demuxer drop every stream but `kept` (`AVDISCARD_ALL`): their packets are not returned.
    public func discardStreams(except kept: Int) {
        for i in 0..<streamCount where i != kept {
            stream(i).pointee.discard = AVDISCARD_ALL
        }
    }
}
