/// Enumerations a job spec names, shared by the spec and the frame core that carries them out.

/// How a picture is put into a rendition's frame.
public enum Fit: String, Codable, Sendable, CaseIterable {
    /// Scale and centre-crop to fill the box.
    case cover
    /// Scale to fit inside the box, pad with black.
    case contain
    /// Scale to fit inside the box, pad with a blurred, darkened copy of the frame.
    case blur
    /// Scale to fit inside the box keeping the aspect; the output takes the picture's size.
    case scale
}

/// How a rendition wants interlaced sources: one frame per source frame, or one per field (double rate).
public enum DeinterlaceRate: String, Codable, Sendable, CaseIterable {
    case frame
    case field
}

/// The constant-quality values a rendition may ask of x264. 0 is lossless, which x264 only encodes in the High
/// 4:4:4 Predictive profile: our outputs are High 4:2:0 (what the platforms take), so x264 would refuse it after
/// the job had started; it is refused with the spec instead.
public enum H264Quality {
    public static let crf = 1...51
    public static func problem(crf: Int) -> String? {
        if crf == 0 { return "0 (lossless) needs x264's High 4:4:4 profile, which these H.264 High outputs are not: use 1…51 (18 is visually lossless)" }
        return self.crf.contains(crf) ? nil : "\(crf) is outside 1…51"
    }
}

/// x264's presets, the speed/size trade-off a rendition names (`"preset": "veryfast"`).
public enum X264Preset {
    public static let names = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]
}
