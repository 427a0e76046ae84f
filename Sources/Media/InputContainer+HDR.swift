import CFFmpeg

extension InputContainer {
    /// Mastering display and content light level from the stream's side data (MP4 `mdcv`/`clli` boxes,
    /// Matroska colour elements); empty when the container does not carry them (they may still come per frame).
    public func hdrMetadata(of index: Int) -> HDRMetadata {
        var meta = HDRMetadata()
        var size: Int = 0
        if let raw = av_stream_get_side_data(stream(index), AV_PKT_DATA_MASTERING_DISPLAY_METADATA, &size),
           size >= MemoryLayout<AVMasteringDisplayMetadata>.size {
            meta.masteringDisplay = raw.withMemoryRebound(to: AVMasteringDisplayMetadata.self, capacity: 1) {
                MasteringDisplay($0.pointee)
            }
        }
        size = 0
        if let raw = av_stream_get_side_data(stream(index), AV_PKT_DATA_CONTENT_LIGHT_LEVEL, &size),
           size >= MemoryLayout<AVContentLightMetadata>.size {
            meta.contentLight = raw.withMemoryRebound(to: AVContentLightMetadata.self, capacity: 1) {
                ContentLightLevel(maxCLL: Int($0.pointee.MaxCLL), maxFALL: Int($0.pointee.MaxFALL))
            }
        }
        return meta
    }
}

extension InputContainer {
    /// HDR metadata sent in the bitstream (HEVC SEI, AV1 metadata OBUs) rather than the container: decode
    /// the stream's first picture and read its side data. Reads packets: use on a container opened for this.
    public func firstFrameHDRMetadata(stream index: Int) throws(MediaError) -> HDRMetadata {
        let decoder = try Decoder(input: self, stream: index, threads: 1)
        let packet = try Packet()
        let frame = try Frame()
        var sent = 0
        var metadata: HDRMetadata?
        let first: (Frame) -> Bool = { metadata = $0.hdrMetadata; return true }
        while try read(into: packet) {
            guard packet.streamIndex == Int32(index) else { continue }
            sent += 1
            if try decoder.feed(packet, into: frame, until: first), let metadata { return metadata }
            if sent > 64 { break }
        }
        if try decoder.feed(nil, into: frame, until: first), let metadata { return metadata }
        return HDRMetadata()
    }

    /// `info()` plus, for an HDR video stream whose container carries no light-level metadata, what its
    /// first frame carries (what `probe` reports).
    public func infoWithFrameHDRMetadata() throws(MediaError) -> MediaInfo {
        var info = info()
        for (i, s) in info.streams.enumerated() where s.type == .video && s.hdrTransfer != nil && s.hdr == nil {
            let meta = try firstFrameHDRMetadata(stream: s.index)
            if !meta.isEmpty { info.streams[i].hdr = meta }
            break
        }
        return info
    }
}
