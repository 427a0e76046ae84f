/// `"audio": {"loudness": -14, "true_peak": -1}`: normalise the programme loudness (ITU-R BS.1770-4 / EBU R128)
/// to `loudness` LUFS with a linear gain, its true peak kept at or below `true_peak` dBTP.
public struct AudioSpec: Codable, Sendable, Equatable {
    /// Integrated loudness target, LUFS (−40…−5).
    public var loudness: Double
    /// True-peak ceiling, dBTP (−9…0).
    public var truePeak: Double

    enum CodingKeys: String, CodingKey {
        case loudness
        case truePeak = "true_peak"
    }

    public init(loudness: Double = -14, truePeak: Double = -1) {
        self.loudness = loudness
        self.truePeak = truePeak
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, ["loudness", "true_peak"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        loudness = try c.decode(Double.self, forKey: .loudness)
        truePeak = try c.decodeIfPresent(Double.self, forKey: .truePeak) ?? -1
    }

    public static let loudnessRange: ClosedRange<Double> = -40 ... -5
    public static let truePeakRange: ClosedRange<Double> = -9 ... 0
}

/// `"captions": {"file": "clip.es.srt", "language": "es", "burn": true, "sidecar": true, "style": {...}}`: an SRT or
/// WebVTT file (inside the input root, like the input) burned into every rendition and/or written beside the
/// outputs as `captions.<language>.vtt`.
public struct CaptionsSpec: Codable, Sendable, Equatable {
    public var file: String
    /// A BCP 47 language tag (`es`, `es-MX`): names the sidecar and is recorded in `result.json`.
    public var language: String
    public var burn: Bool
    public var sidecar: Bool
    public var style: CaptionStyle

    public init(file: String, language: String, burn: Bool = true, sidecar: Bool = true, style: CaptionStyle = CaptionStyle()) {
        self.file = file; self.language = language; self.burn = burn; self.sidecar = sidecar; self.style = style
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, ["file", "language", "burn", "sidecar", "style"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        file = try c.decode(String.self, forKey: .file)
        language = try c.decode(String.self, forKey: .language)
        burn = try c.decodeIfPresent(Bool.self, forKey: .burn) ?? true
        sidecar = try c.decodeIfPresent(Bool.self, forKey: .sidecar) ?? true
        style = try c.decodeIfPresent(CaptionStyle.self, forKey: .style) ?? CaptionStyle()
    }

    /// `es`, `pt-BR`, `zh-Hant`: 2–3 letters, then up to three subtags of 2–8 letters or digits.
    public static func isLanguageTag(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }),
              parts.count <= 4 else { return false }
        return parts.dropFirst().allSatisfy { p in (2...8).contains(p.count) && p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}

/// How burned-in captions look. Sizes are fractions of the output's height, so every rendition gets the same look.
public struct CaptionStyle: Codable, Sendable, Equatable {
    /// Font size as a fraction of the output's height (0.025…0.08; capped at 6 % of the width, never under 20 px).
    public var size: Double
    /// Text colour, `#RRGGBB`.
    public var color: String
    /// `outline`: a dark outline and shadow; `box`: a translucent dark box behind each line.
    public var background: CaptionBackground
    public var font: String?

    public init(size: Double = 0.045, color: String = "#FFFFFF", background: CaptionBackground = .outline, font: String? = nil) {
        self.size = size; self.color = color; self.background = background; self.font = font
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownFields(decoder, ["size", "color", "background", "font"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        size = try c.decodeIfPresent(Double.self, forKey: .size) ?? 0.045
        color = try c.decodeIfPresent(String.self, forKey: .color) ?? "#FFFFFF"
        background = try c.decodeIfPresent(CaptionBackground.self, forKey: .background) ?? .outline
        font = try c.decodeIfPresent(String.self, forKey: .font)
    }

    public static let sizeRange: ClosedRange<Double> = 0.025...0.08
}

public enum CaptionBackground: String, Codable, Sendable, CaseIterable {
    case outline, box
}

extension JobSpecValidator {
    static func validateAudioAndCaptions(_ spec: JobSpec) throws {
        if let a = spec.audio {
            guard a.loudness.isFinite, AudioSpec.loudnessRange.contains(a.loudness) else {
                throw JobSpecError("audio.loudness", "\(a.loudness) LUFS is outside −40…−5")
            }
            guard a.truePeak.isFinite, AudioSpec.truePeakRange.contains(a.truePeak) else {
                throw JobSpecError("audio.true_peak", "\(a.truePeak) dBTP is outside −9…0")
            }
        }
        if let c = spec.captions {
            guard !c.file.isEmpty else { throw JobSpecError("captions.file", "must not be empty") }
            let lower = c.file.lowercased()
            guard lower.hasSuffix(".srt") || lower.hasSuffix(".vtt") else {
                throw JobSpecError("captions.file", "'\(c.file)' must be an SRT (.srt) or WebVTT (.vtt) file")
            }
            guard CaptionsSpec.isLanguageTag(c.language) else {
                throw JobSpecError("captions.language", "'\(c.language)' is not a language tag (es, pt-BR, …)")
            }
            guard c.burn || c.sidecar else { throw JobSpecError("captions", "burn and sidecar are both false: nothing to do") }
            guard c.style.size.isFinite, CaptionStyle.sizeRange.contains(c.style.size) else {
                throw JobSpecError("captions.style.size", "\(c.style.size) is outside 0.025…0.08 (a fraction of the output's height)")
            }
            guard let colour = Color.parse(c.style.color), colour.a == 255 else {
                throw JobSpecError("captions.style.color", "'\(c.style.color)' is not #RRGGBB")
            }
            if c.burn, spec.renditions.isEmpty {
                throw JobSpecError("captions.burn", "the job has no renditions to burn captions into")
            }
        }
    }
}
