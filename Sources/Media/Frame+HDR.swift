import CFFmpeg

extension Frame {
    /// The frame's transfer characteristics, as FFmpeg names them ("bt709", "smpte2084", "arib-std-b67", ...).
    public var transferName: String? { av_color_transfer_name(pointer.pointee.color_trc).map { String(cString: $0) } }
    public var primariesName: String? { av_color_primaries_name(pointer.pointee.color_primaries).map { String(cString: $0) } }
    public var colorSpaceName: String? { av_color_space_name(pointer.pointee.colorspace).map { String(cString: $0) } }
    public var transfer: AVColorTransferCharacteristic { pointer.pointee.color_trc }
    public var primaries: AVColorPrimaries { pointer.pointee.color_primaries }

    /// PQ or HLG, when the frame says so.
    public var hdrTransfer: HDRTransfer? {
        switch pointer.pointee.color_trc {
        case AVCOL_TRC_SMPTE2084: return .pq
        case AVCOL_TRC_ARIB_STD_B67: return .hlg
        default: return nil
        }
    }

    /// Mastering display and content light level side data attached to this frame (HEVC SEI, AV1 OBUs).
    public var hdrMetadata: HDRMetadata {
        var meta = HDRMetadata()
        if let sd = av_frame_get_side_data(pointer, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA),
           sd.pointee.size >= MemoryLayout<AVMasteringDisplayMetadata>.size, let data = sd.pointee.data {
            meta.masteringDisplay = data.withMemoryRebound(to: AVMasteringDisplayMetadata.self, capacity: 1) {
                MasteringDisplay($0.pointee)
            }
        }
        if let sd = av_frame_get_side_data(pointer, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL),
           sd.pointee.size >= MemoryLayout<AVContentLightMetadata>.size, let data = sd.pointee.data {
            meta.contentLight = data.withMemoryRebound(to: AVContentLightMetadata.self, capacity: 1) {
                ContentLightLevel(maxCLL: Int($0.pointee.MaxCLL), maxFALL: Int($0.pointee.MaxFALL))
            }
        }
        return meta
    }

    /// Copy timestamps, sample aspect, colour description and side data from `other` (`av_frame_copy_props`).
    public func copyProperties(from other: Frame) throws(MediaError) {
        try check(av_frame_copy_props(pointer, other.pointer), "copy frame properties")
    }

    /// Drop the HDR light-level side data (after the picture is converted to SDR it no longer applies).
    public func removeHDRSideData() {
        av_frame_remove_side_data(pointer, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA)
        av_frame_remove_side_data(pointer, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL)
    }
}

extension MasteringDisplay {
    init(_ m: AVMasteringDisplayMetadata) {
        func q(_ r: AVRational) -> Double { r.den == 0 ? 0 : Double(r.num) / Double(r.den) }
        self.init()
        if m.has_primaries != 0 {
            red = [q(m.display_primaries.0.0), q(m.display_primaries.0.1)]
            green = [q(m.display_primaries.1.0), q(m.display_primaries.1.1)]
            blue = [q(m.display_primaries.2.0), q(m.display_primaries.2.1)]
            whitePoint = [q(m.white_point.0), q(m.white_point.1)]
        }
        if m.has_luminance != 0 {
            minLuminance = q(m.min_luminance)
            maxLuminance = q(m.max_luminance)
        }
    }
}
