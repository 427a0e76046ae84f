/// Range and consistency checks on a decoded spec; each error names its field.
enum JobSpecValidator {
    static func validate(_ spec: JobSpec) throws {
        guard spec.version == 1 else { throw JobSpecError("version", "\(spec.version) is not supported (only 1)") }
        guard !spec.input.isEmpty else { throw JobSpecError("input", "must not be empty") }
        guard !spec.renditions.isEmpty || spec.thumbnails != nil else {
            throw JobSpecError("renditions", "a job needs at least one rendition or thumbnails")
        }
        guard spec.renditions.count <= 12 else { throw JobSpecError("renditions", "at most 12 renditions") }
        var names = Set<String>()
        for (i, r) in spec.renditions.enumerated() {
            let f = "renditions[\(i)]"
            guard !r.name.isEmpty, r.name.count <= 64,
                  r.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw JobSpecError("\(f).name", "'\(r.name)' must be 1–64 letters, digits, - or _ (it names the file)")
            }
            guard names.insert(r.name).inserted else { throw JobSpecError("\(f).name", "'\(r.name)' is used twice") }
            for (key, v) in [("width", r.width), ("height", r.height)] {
                guard (16...8192).contains(v) else { throw JobSpecError("\(f).\(key)", "\(v) is outside 16…8192") }
                guard v % 2 == 0 else { throw JobSpecError("\(f).\(key)", "\(v) must be even (4:2:0)") }
            }
            if let problem = H264Quality.problem(crf: r.crf) { throw JobSpecError("\(f).crf", problem) }
            guard X264Preset.names.contains(r.preset) else {
                throw JobSpecError("\(f).preset", "'\(r.preset)' is not an x264 preset")
            }
            if let m = r.maxBitrateKbps, !(100...100_000).contains(m) {
                throw JobSpecError("\(f).max_bitrate_kbps", "\(m) is outside 100…100000")
            }
            if let fps = r.fpsMax, !(1...240).contains(fps) { throw JobSpecError("\(f).fps_max", "\(fps) is outside 1…240") }
            guard (32...512).contains(r.audioBitrateKbps) else {
                throw JobSpecError("\(f).audio_bitrate_kbps", "\(r.audioBitrateKbps) is outside 32…512")
            }
            guard r.keyframeSeconds >= 0.1 && r.keyframeSeconds <= 10 else {
                throw JobSpecError("\(f).keyframe_seconds", "\(r.keyframeSeconds) is outside 0.1…10")
            }
            if let s = r.safeArea {
                for (k, v) in [("top", s.top), ("bottom", s.bottom), ("left", s.left), ("right", s.right)] where !(0...0.45).contains(v) {
                    throw JobSpecError("\(f).safe_area.\(k)", "\(v) is outside 0…0.45")
                }
            }
            if let p = r.platform, !PlatformNames.all.contains(p) {
                throw JobSpecError("\(f).platform", "'\(p)' is not one of \(PlatformNames.all.joined(separator: ", "))")
            }
            try validatePlatformFields(r, field: f)
        }
        if let w = spec.watermark {
            switch (w.text, w.image) {
            case (nil, nil): throw JobSpecError("watermark", "needs text or image")
            case (.some, .some): throw JobSpecError("watermark", "takes text or image, not both")
            case (let t?, nil):
                guard !t.isEmpty, t.count <= 200 else { throw JobSpecError("watermark.text", "must be 1–200 characters") }
            default: break
            }
            guard Color.parse(w.color) != nil else { throw JobSpecError("watermark.color", "'\(w.color)' is not #RRGGBB or #RRGGBBAA") }
            guard (0...0.45).contains(w.margin) else { throw JobSpecError("watermark.margin", "\(w.margin) is outside 0…0.45") }
            guard w.scale > 0.01 && w.scale <= 1 else { throw JobSpecError("watermark.scale", "\(w.scale) is outside 0.01…1") }
            guard (0...1).contains(w.opacity) else { throw JobSpecError("watermark.opacity", "\(w.opacity) is outside 0…1") }
        }
        try spec.stills?.validate()
        if let t = spec.thumbnails {
            if let c = t.count, !(0...100).contains(c) { throw JobSpecError("thumbnails.count", "\(c) is outside 0…100") }
            if let times = t.times {
                guard times.count <= 100 else { throw JobSpecError("thumbnails.times", "at most 100 times") }
                for (i, time) in times.enumerated() where !(time >= 0 && time.isFinite) {
                    throw JobSpecError("thumbnails.times[\(i)]", "\(time) must be a time in seconds, 0 or more")
                }
            }
            guard (t.count ?? 0) + (t.times?.count ?? 0) > 0 else {
                throw JobSpecError("thumbnails", "needs a count or times")
            }
            guard (16...4096).contains(t.width) else { throw JobSpecError("thumbnails.width", "\(t.width) is outside 16…4096") }
        }
        try validateAudioAndCaptions(spec)
    }
}

extension JobSpecValidator {
    /// `fps_min` and `platform_check`.
    static func validatePlatformFields(_ r: RenditionSpec, field f: String) throws {
        if let min = r.fpsMin {
            guard min.isFinite, (1...240).contains(min) else { throw JobSpecError("\(f).fps_min", "\(min) is outside 1…240") }
            if let max = r.fpsMax, min > max {
                throw JobSpecError("\(f).fps_min", "\(min) is above fps_max (\(max))")
            }
        }
        if r.platformCheck == .fail, r.platform == nil {
            throw JobSpecError("\(f).platform_check", "'fail' needs a platform to check against")
        }
    }
}

/// The platforms `check-spec` knows.
public enum PlatformNames {
    public static let all = ["instagram-reels", "instagram-feed", "youtube", "x", "tiktok"]
}

/// `#RRGGBB` / `#RRGGBBAA` colours.
public struct Color: Sendable, Equatable {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8
    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }
    public static func parse(_ s: String) -> Color? {
        guard s.hasPrefix("#"), s.count == 7 || s.count == 9 else { return nil }
        var v: UInt64 = 0
        for ch in s.dropFirst() {
            guard let d = ch.hexDigitValue else { return nil }
            v = v << 4 | UInt64(d)
        }
        if s.count == 7 { v = v << 8 | 0xFF }
        return Color(r: UInt8(v >> 24 & 255), g: UInt8(v >> 16 & 255), b: UInt8(v >> 8 & 255), a: UInt8(v & 255))
    }
}
