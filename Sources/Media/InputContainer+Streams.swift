import CFFmpeg

extension InputContainer {
    public var streamCount: Int { Int(context.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        context.pointee.streams[index]!
    }

    public func timeBase(of index: Int) -> Rational { Rational(stream(index).pointee.time_base) }

    public func mediaType(of index: Int) -> MediaType {
        MediaType(stream(index).pointee.codecpar.pointee.codec_type)
    }

    /// The container's duration, seconds.
    public var durationSeconds: Double? {
        let d = context.pointee.duration
        if d == AVCode.noPTS || d <= 0 { return nil }
        return Double(d) / Double(mw_time_base())
    }

    /// The durations are guesses from the bitrate (MPEG-PS/TS without usable timestamps): not to be trusted
    /// for where a stream ends.
    public var durationIsEstimated: Bool { context.pointee.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE }

    /// Start time of the whole file, seconds.
    public var startSeconds: Double? {
        let s = context.pointee.start_time
        if s == AVCode.noPTS { return nil }
        return Double(s) / Double(mw_time_base())
    }

    /// The stream FFmpeg judges best of a type (skipping cover art for video).
    public func bestStream(_ type: MediaType) -> Int? {
        let avType: AVMediaType = type == .video ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO
        let index = av_find_best_stream(context, avType, -1, -1, nil, 0)
        guard index >= 0 else { return nil }
        if type == .video, stream(Int(index)).pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 { return nil }
        return Int(index)
    }

    /// Clockwise rotation (0/90/180/270) from the stream's display matrix.
    public func rotation(of index: Int) -> Int {
        var size: Int = 0
        guard let raw = av_stream_get_side_data(stream(index), AV_PKT_DATA_DISPLAYMATRIX, &size),
              size >= 9 * MemoryLayout<Int32>.size else { return 0 }
        let angle = raw.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard angle.isFinite else { return 0 }
        // av_display_rotation_get gives the counter-clockwise angle; a player turns clockwise by its negation.
        var clockwise = Int((-angle).rounded()) % 360
        if clockwise < 0 { clockwise += 360 }
        return ((clockwise + 45) / 90 % 4) * 90
    }

    /// The frame rate FFmpeg guesses for a video stream.
    public func frameRate(of index: Int) -> Rational? {
        let r = Rational(av_guess_frame_rate(context, stream(index), nil))
        return r.isValid ? r : nil
    }

    public func streamInfo(_ index: Int) -> StreamInfo {
        let s = stream(index)
        let par = s.pointee.codecpar!
        let type = MediaType(par.pointee.codec_type)
        let tb = Rational(s.pointee.time_base)
        var info = StreamInfo(index: index, type: type, codec: String(cString: avcodec_get_name(par.pointee.codec_id)),
                              profile: nil, timeBase: tb, duration: nil, bitRate: nil, frameCount: nil,
                              isAttachedPicture: s.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0)
        if let p = avcodec_profile_name(par.pointee.codec_id, par.pointee.profile) { info.profile = String(cString: p) }
        if s.pointee.duration != AVCode.noPTS, s.pointee.duration > 0 { info.duration = Double(s.pointee.duration) * tb.double }
        if s.pointee.start_time != AVCode.noPTS { info.startTime = Double(s.pointee.start_time) * tb.double }
        if par.pointee.bit_rate > 0 { info.bitRate = par.pointee.bit_rate }
        if s.pointee.nb_frames > 0 { info.frameCount = s.pointee.nb_frames }
        switch type {
        case .video:
            info.width = Int(par.pointee.width)
            info.height = Int(par.pointee.height)
            var sar = Rational(av_guess_sample_aspect_ratio(context, s, nil))
            if !sar.isValid { sar = Rational(1, 1) }
            info.sampleAspectRatio = sar
            if par.pointee.width > 0, par.pointee.height > 0 {
                var num: Int32 = 0, den: Int32 = 0
                av_reduce(&num, &den, Int64(par.pointee.width) * Int64(sar.num), Int64(par.pointee.height) * Int64(sar.den), 1 << 20)
                info.displayAspectRatio = Rational(num, den)
            }
            info.rotation = rotation(of: index)
            info.frameRate = frameRate(of: index)
            let avg = Rational(s.pointee.avg_frame_rate)
            if avg.isValid { info.averageFrameRate = avg }
            let fmt = PixelFormat(rawValue: par.pointee.format)
            if fmt != .none { info.pixelFormat = fmt.name }
            if let n = av_color_range_name(par.pointee.color_range) { info.colorRange = String(cString: n) }
            if let n = av_color_space_name(par.pointee.color_space) { info.colorSpace = String(cString: n) }
            if let n = av_color_transfer_name(par.pointee.color_trc) { info.colorTransfer = String(cString: n) }
            if let n = av_color_primaries_name(par.pointee.color_primaries) { info.colorPrimaries = String(cString: n) }
            let hdr = hdrMetadata(of: index)
            if !hdr.isEmpty { info.hdr = hdr }
            info.fieldOrder = FieldOrder.name(par.pointee.field_order)
        case .audio:
            info.sampleRate = Int(par.pointee.sample_rate)
            info.channels = Int(par.pointee.ch_layout.nb_channels)
            var buffer = [CChar](repeating: 0, count: 128)
            if av_channel_layout_describe(&par.pointee.ch_layout, &buffer, buffer.count) > 0 {
                info.channelLayout = String(cString: buffer)
            }
            if let n = av_get_sample_fmt_name(AVSampleFormat(rawValue: par.pointee.format)) { info.sampleFormat = String(cString: n) }
        default:
            break
        }
        return info
    }

    /// Everything `probe` reports.
    public func info() -> MediaInfo {
        let fmt = context.pointee.iformat!
        var info = MediaInfo(path: path, container: String(cString: fmt.pointee.name),
                             containerLongName: fmt.pointee.long_name.map { String(cString: $0) },
                             duration: durationSeconds,
                             bitRate: context.pointee.bit_rate > 0 ? context.pointee.bit_rate : nil,
                             streams: (0..<streamCount).map(streamInfo))
        if info.container.contains("mp4") {
            let layout = MP4Layout.read(path: path)
            info.moovBeforeMdat = layout?.moovBeforeMdat
            info.hasEditList = layout?.hasEditList
        }
        return info
    }
}

enum FieldOrder {
    static func name(_ order: AVFieldOrder) -> String? {
        switch order {
        case AV_FIELD_PROGRESSIVE: return "progressive"
        case AV_FIELD_TT, AV_FIELD_TB: return "tff"
        case AV_FIELD_BB, AV_FIELD_BT: return "bff"
        default: return nil
        }
    }
}

extension MediaType {
    init(_ t: AVMediaType) {
        switch t {
        case AVMEDIA_TYPE_VIDEO: self = .video
        case AVMEDIA_TYPE_AUDIO: self = .audio
        case AVMEDIA_TYPE_SUBTITLE: self = .subtitle
        case AVMEDIA_TYPE_DATA: self = .data
        case AVMEDIA_TYPE_ATTACHMENT: self = .attachment
        default: self = .unknown
        }
    }
}
