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

/// x264's presets, the speed/size trade-off a rendition names (`"preset": "veryfast"`).
public enum X264Preset {
    public static let names = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]
}
