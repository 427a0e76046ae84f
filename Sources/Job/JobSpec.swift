/// A job, as the queue, the upload hook, CI and `mediaworker process` describe it (JSON, version 1).
///
/// Decoding is strict: unknown fields are errors, and every error names the field (`renditions[1].crf`)
/// and the reason. See `JobSpecLoader` for templates and path resolution.
public struct JobSpec: Codable, Sendable, Equatable {
    public var version: Int
    public var template: String?
    public var input: String
    public var renditions: [RenditionSpec]
    public var watermark: WatermarkSpec?
    public var thumbnails: ThumbnailSpec?
    /// How renditions are written when the input is a still (photo or graphic).
    public var stills: StillSpec?
    /// Loudness normalisation (issue 16).
    public var audio: AudioSpec?
    /// Burned-in and sidecar captions (issue 16).
    public var captions: CaptionsSpec?

    public init(version: Int = 1, template: String? = nil, input: String, renditions: [RenditionSpec] = [],
                watermark: WatermarkSpec? = nil, thumbnails: ThumbnailSpec? = nil, stills: StillSpec? = nil) {
        self.version = version
        self.template = template
        self.input = input
        self.renditions = renditions
        self.watermark = watermark
        self.thumbnails = thumbnails
        self.stills = stills
    }

    static let fields: Set<String> = ["version", "template", "input", "renditions", "watermark", "thumbnails", "stills", "audio", "captions"]

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, Self.fields)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        template = try c.decodeIfPresent(String.self, forKey: .template)
        input = try c.decode(String.self, forKey: .input)
        renditions = try c.decodeIfPresent([RenditionSpec].self, forKey: .renditions) ?? []
        watermark = try c.decodeIfPresent(WatermarkSpec.self, forKey: .watermark)
        thumbnails = try c.decodeIfPresent(ThumbnailSpec.self, forKey: .thumbnails)
        stills = try c.decodeIfPresent(StillSpec.self, forKey: .stills)
        audio = try c.decodeIfPresent(AudioSpec.self, forKey: .audio)
        captions = try c.decodeIfPresent(CaptionsSpec.self, forKey: .captions)
    }
}

public struct SafeArea: Codable, Sendable, Equatable {
    /// Fractions of the frame kept clear of the app's UI.
    public var top: Double
    public var bottom: Double
    public var left: Double
    public var right: Double

    public init(top: Double = 0, bottom: Double = 0, left: Double = 0, right: Double = 0) {
        self.top = top; self.bottom = bottom; self.left = left; self.right = right
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, ["top", "bottom", "left", "right"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        top = try c.decodeIfPresent(Double.self, forKey: .top) ?? 0
        bottom = try c.decodeIfPresent(Double.self, forKey: .bottom) ?? 0
        left = try c.decodeIfPresent(Double.self, forKey: .left) ?? 0
        right = try c.decodeIfPresent(Double.self, forKey: .right) ?? 0
    }
}

public struct RenditionSpec: Codable, Sendable, Equatable {
    public var name: String
    public var width: Int
    public var height: Int
    public var fit: Fit
    public var crf: Int
    public var preset: String
    public var maxBitrateKbps: Int?
    public var fpsMax: Double?
    public var audioBitrateKbps: Int
    public var keyframeSeconds: Double
    public var safeArea: SafeArea?
    /// A platform whose delivery spec the output is checked against (`instagram-reels`, `youtube`, …).
    public var platform: String?
    /// Repeat frames up to this rate (evenly where possible: 15 → 30 for a 23 fps minimum), for platforms
    /// with a minimum frame rate.
    public var fpsMin: Double?
    /// What a broken platform rule does: `report` records it on the output (default), `fail` fails the job —
    /// before encoding for the rules the input decides.
    public var platformCheck: PlatformCheckMode
    /// Interlaced sources: `frame` (default) keeps the frame rate, `field` doubles it (one frame per field).
    public var deinterlace: DeinterlaceRate?

    enum CodingKeys: String, CodingKey {
        case name, width, height, fit, crf, preset, platform
        case deinterlace
        case maxBitrateKbps = "max_bitrate_kbps", fpsMax = "fps_max", audioBitrateKbps = "audio_bitrate_kbps"
        case keyframeSeconds = "keyframe_seconds", safeArea = "safe_area"
        case fpsMin = "fps_min", platformCheck = "platform_check"
    }

    public init(name: String, width: Int, height: Int, fit: Fit = .cover, crf: Int = 23, preset: String = "veryfast",
                maxBitrateKbps: Int? = nil, fpsMax: Double? = 60, audioBitrateKbps: Int = 128, keyframeSeconds: Double = 2,
                safeArea: SafeArea? = nil, platform: String? = nil,
                fpsMin: Double? = nil, platformCheck: PlatformCheckMode = .report) {
        self.name = name; self.width = width; self.height = height; self.fit = fit; self.crf = crf
        self.preset = preset; self.maxBitrateKbps = maxBitrateKbps; self.fpsMax = fpsMax
        self.audioBitrateKbps = audioBitrateKbps; self.keyframeSeconds = keyframeSeconds
        self.safeArea = safeArea; self.platform = platform
        self.fpsMin = fpsMin; self.platformCheck = platformCheck
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, Set(CodingKeys.allNames))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
        fit = try c.decodeIfPresent(Fit.self, forKey: .fit) ?? .cover
        crf = try c.decodeIfPresent(Int.self, forKey: .crf) ?? 23
        preset = try c.decodeIfPresent(String.self, forKey: .preset) ?? "veryfast"
        maxBitrateKbps = try c.decodeIfPresent(Int.self, forKey: .maxBitrateKbps)
        fpsMax = try c.decodeIfPresent(Double.self, forKey: .fpsMax) ?? 60
        audioBitrateKbps = try c.decodeIfPresent(Int.self, forKey: .audioBitrateKbps) ?? 128
        keyframeSeconds = try c.decodeIfPresent(Double.self, forKey: .keyframeSeconds) ?? 2
        safeArea = try c.decodeIfPresent(SafeArea.self, forKey: .safeArea)
        platform = try c.decodeIfPresent(String.self, forKey: .platform)
        fpsMin = try c.decodeIfPresent(Double.self, forKey: .fpsMin)
        platformCheck = try c.decodeIfPresent(PlatformCheckMode.self, forKey: .platformCheck) ?? .report
        deinterlace = try c.decodeIfPresent(DeinterlaceRate.self, forKey: .deinterlace)
    }
}

extension RenditionSpec.CodingKeys {
    static let allNames = ["name", "width", "height", "fit", "crf", "preset", "platform", "max_bitrate_kbps", "fps_max",
                           "audio_bitrate_kbps", "keyframe_seconds", "safe_area",
                           "fps_min", "platform_check", "deinterlace"]
}

/// A rendition's `platform_check`.
public enum PlatformCheckMode: String, Codable, Sendable, CaseIterable {
    /// Broken rules are findings on the output (`result.json` `outputs[].platform`); the job succeeds.
    case report
    /// Broken rules fail the job: those the input decides before anything is encoded, the others after.
    case fail
}

public enum Anchor: String, Codable, Sendable, CaseIterable {
    case topLeft = "top-left", topRight = "top-right", bottomLeft = "bottom-left", bottomRight = "bottom-right"
    case topCenter = "top-center", bottomCenter = "bottom-center", center
}

public enum WatermarkStyle: String, Codable, Sendable, CaseIterable {
    /// A dark outline around the glyphs and a soft shadow.
    case outline
    /// A soft drop shadow only.
    case shadow
    /// A translucent dark rounded box behind the text.
    case pill
}

public struct WatermarkSpec: Codable, Sendable, Equatable {
    public var text: String?
    public var image: String?
    public var font: String?
    /// `#RRGGBB` or `#RRGGBBAA`.
    public var color: String
    public var style: WatermarkStyle
    public var anchor: Anchor
    /// Distance from the frame's edges, as a fraction of the frame's shorter side.
    public var margin: Double
    /// The mark's width as a fraction of the frame's width.
    public var scale: Double
    public var opacity: Double

    public init(text: String? = nil, image: String? = nil, font: String? = nil, color: String = "#FFFFFF",
                style: WatermarkStyle = .outline, anchor: Anchor = .bottomRight, margin: Double = 0.04,
                scale: Double = 0.3, opacity: Double = 0.9) {
        self.text = text; self.image = image; self.font = font; self.color = color; self.style = style
        self.anchor = anchor; self.margin = margin; self.scale = scale; self.opacity = opacity
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, ["text", "image", "font", "color", "style", "anchor", "margin", "scale", "opacity"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decodeIfPresent(String.self, forKey: .text)
        image = try c.decodeIfPresent(String.self, forKey: .image)
        font = try c.decodeIfPresent(String.self, forKey: .font)
        color = try c.decodeIfPresent(String.self, forKey: .color) ?? "#FFFFFF"
        style = try c.decodeIfPresent(WatermarkStyle.self, forKey: .style) ?? .outline
        anchor = try c.decodeIfPresent(Anchor.self, forKey: .anchor) ?? .bottomRight
        margin = try c.decodeIfPresent(Double.self, forKey: .margin) ?? 0.04
        scale = try c.decodeIfPresent(Double.self, forKey: .scale) ?? 0.3
        opacity = try c.decodeIfPresent(Double.self, forKey: .opacity) ?? 0.9
    }
}

public struct ThumbnailSpec: Codable, Sendable, Equatable {
    /// Evenly spaced thumbnails.
    public var count: Int?
    /// Thumbnails at these times, seconds.
    public var times: [Double]?
    public var width: Int
    /// Pick a nearby frame that is not near-black or flat.
    public var avoidBlack: Bool
    public var contactSheet: Bool

    enum CodingKeys: String, CodingKey {
        case count, times, width
        case avoidBlack = "avoid_black", contactSheet = "contact_sheet"
    }

    public init(count: Int? = nil, times: [Double]? = nil, width: Int = 640, avoidBlack: Bool = true, contactSheet: Bool = false) {
        self.count = count; self.times = times; self.width = width; self.avoidBlack = avoidBlack; self.contactSheet = contactSheet
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, ["count", "times", "width", "avoid_black", "contact_sheet"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        times = try c.decodeIfPresent([Double].self, forKey: .times)
        width = try c.decodeIfPresent(Int.self, forKey: .width) ?? 640
        avoidBlack = try c.decodeIfPresent(Bool.self, forKey: .avoidBlack) ?? true
        contactSheet = try c.decodeIfPresent(Bool.self, forKey: .contactSheet) ?? false
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

/// Unknown fields are errors (a typo must not silently fall back to a default).
func rejectUnknownFields(_ decoder: Decoder, _ known: Set<String>) throws {
    let c = try decoder.container(keyedBy: AnyKey.self)
    for key in c.allKeys where !known.contains(key.stringValue) {
        throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [key],
                                                debugDescription: "unknown field (known: \(known.sorted().joined(separator: ", ")))"))
    }
}
