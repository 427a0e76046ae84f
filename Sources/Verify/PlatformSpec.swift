import Job

/// A social platform's published delivery spec, as `check-spec` and jobs naming a `platform` apply it.
/// Values come from /work/shared/PLATFORM-SPECS.md (gathered 2026-11, sources in `source`); `nil` means
/// the platform publishes no rule for it.
public struct PlatformSpec: Sendable {
    /// Bitrate ceiling (video, bits per second) for a class of outputs.
    public struct BitrateClass: Sendable {
        /// The class holds outputs whose shorter side is at most this (nil: any size).
        public var maxShortSide: Int?
        public var ceiling: Double
        /// The ceiling at 48 fps and above, when the platform allows more there.
        public var highFrameRateCeiling: Double?
        public var label: String
    }

    public var name: String
    public var source: String
    public var containers: Set<String>
    public var moovFirst = false
    public var noEditLists = false
    public var videoCodecs: Set<String>?
    /// H.264/HEVC profile names as FFmpeg writes them ("High", "Main").
    public var profiles: Set<String>?
    public var pixelFormats: Set<String>?
    public var progressive = false
    public var closedGOP = false
    public var squarePixels = false
    public var frameRate: ClosedRange<Double>?
    public var maxWidth: Int?
    public var minWidth: Int?
    public var minHeight: Int?
    /// Limits on the longer and the shorter displayed side.
    public var maxLongSide: Int?
    public var maxShortSide: Int?
    /// Limits on each displayed side.
    public var sideRange: ClosedRange<Int>?
    /// Allowed display aspects (width:height), within 1 %.
    public var aspects: [(Int, Int)]?
    public var duration: ClosedRange<Double>?
    public var maxFileBytes: Int64?
    public var bitrate: [BitrateClass] = []
    public var audioCodecs: Set<String>?
    public var audioProfiles: Set<String>?
    public var maxSampleRate: Int?
    public var sampleRates: Set<Int>?
    public var channels: Set<Int>?

    public static func named(_ name: String) -> PlatformSpec? { all.first { $0.name == name } }

    public static let all: [PlatformSpec] = [instagramReels, instagramFeed, youtube, x, tiktok]

    static let mb = 1_000_000.0

    public static let instagramReels: PlatformSpec = {
        var s = PlatformSpec(name: "instagram-reels",
                             source: "Meta content publishing API media specs (via ayrshare), circleboom, contentstudio, swat.io",
                             containers: ["mp4", "mov"])
        s.moovFirst = true
        s.noEditLists = true
        s.videoCodecs = ["h264", "hevc"]
        s.pixelFormats = ["yuv420p", "yuvj420p"]
        s.progressive = true
        s.closedGOP = true
        s.frameRate = 23...60
        s.maxWidth = 1920
        s.minWidth = 540
        s.minHeight = 960
        s.aspects = [(9, 16)]
        s.duration = 3...(15 * 60)
        s.maxFileBytes = 300 * 1_000_000
        s.bitrate = [BitrateClass(maxShortSide: nil, ceiling: 25 * mb, highFrameRateCeiling: nil, label: "25 Mb/s")]
        s.audioCodecs = ["aac"]
        s.audioProfiles = ["LC"]
        s.maxSampleRate = 48_000
        s.channels = [1, 2]
        return s
    }()

    public static let instagramFeed: PlatformSpec = {
        var s = instagramReels
        s.name = "instagram-feed"
        s.source = "ayrshare (Instagram feed video); container, audio and limits as Reels"
        s.minWidth = nil
        s.minHeight = nil
        s.aspects = [(1, 1), (4, 5)]
        return s
    }()

    public static let youtube: PlatformSpec = {
        var s = PlatformSpec(name: "youtube", source: "YouTube Help, Recommended upload encoding settings", containers: ["mp4"])
        s.moovFirst = true
        s.noEditLists = true
        s.videoCodecs = ["h264"]
        s.profiles = ["High"]
        s.pixelFormats = ["yuv420p", "yuvj420p"]
        s.progressive = true
        s.closedGOP = true
        s.bitrate = [
            BitrateClass(maxShortSide: 720, ceiling: 5 * mb, highFrameRateCeiling: 7.5 * mb, label: "720p: 5 Mb/s, 7.5 at 48–60 fps"),
            BitrateClass(maxShortSide: 1080, ceiling: 8 * mb, highFrameRateCeiling: 12 * mb, label: "1080p: 8 Mb/s, 12 at 48–60 fps"),
        ]
        s.audioCodecs = ["aac"]
        s.audioProfiles = ["LC"]
        s.sampleRates = [48_000, 96_000]
        s.channels = [2, 6]
        return s
    }()

    public static let x: PlatformSpec = {
        var s = PlatformSpec(name: "x", source: "X media best practices; ayrshare", containers: ["mp4"])
        s.videoCodecs = ["h264"]
        s.profiles = ["High"]
        s.pixelFormats = ["yuv420p"]
        s.progressive = true
        s.closedGOP = true
        s.squarePixels = true
        s.frameRate = 0...60
        s.maxLongSide = 1920
        s.maxShortSide = 1200
        s.duration = 0.5...140
        s.maxFileBytes = 512 * 1_000_000
        s.bitrate = [BitrateClass(maxShortSide: nil, ceiling: 25 * mb, highFrameRateCeiling: nil, label: "25 Mb/s")]
        s.audioCodecs = ["aac"]
        s.audioProfiles = ["LC"]
        s.channels = [1, 2]
        return s
    }()

    public static let tiktok: PlatformSpec = {
        var s = PlatformSpec(name: "tiktok", source: "TikTok developers media transfer guide; ayrshare", containers: ["mp4", "mov", "webm"])
        s.frameRate = 23...60
        s.sideRange = 360...4096
        s.aspects = [(9, 16), (16, 9)]
        s.duration = 3...600
        return s
    }()
}
