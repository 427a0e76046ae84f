/// One rule of a platform's delivery spec that an output (or the output planned from the input) breaks.
public struct PlatformViolation: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The rule's name: `duration`, `frame-rate`, `width`, `moov-first`, … (see Verify's `Violation`).
    public var rule: String
    public var message: String

    public init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(rule): \(message)" }
}

/// A rendition's platform check as `result.json` records it (`outputs[].platform`): the platform, whether the
/// output meets its published spec, and every rule it breaks. A finding never discards an output; only a
/// rendition with `"platform_check": "fail"` fails its job on one.
public struct PlatformFinding: Codable, Sendable, Equatable {
    public var name: String
    public var ok: Bool
    public var violations: [PlatformViolation]

    public init(name: String, violations: [PlatformViolation]) {
        self.name = name
        self.ok = violations.isEmpty
        self.violations = violations
    }

    /// An outputs table's cell: "instagram-reels: ok" or "x: 1 finding".
    public var cell: String {
        ok ? "\(name): ok" : "\(name): \(violations.count) finding\(violations.count == 1 ? "" : "s")"
    }

    /// "instagram-reels: ok" or "instagram-reels duration: 2.000 s, allowed 3–900 s; …".
    public var summary: String {
        ok ? "\(name): ok" : violations.map { "\(name) \($0.rule): \($0.message)" }.joined(separator: "; ")
    }
}

/// What a rendition's output will be, decided from the probe before anything is encoded: everything the
/// platform rules that depend only on the input need.
public struct PlannedOutput: Sendable, Equatable {
    /// The upright size a player shows (square pixels, rotation applied).
    public var width: Int
    public var height: Int
    /// The constant output rate after the rendition's `fps_min`/`fps_max` mapping.
    public var frameRate: Double
    /// Seconds (the source video's), when the probe knows it.
    public var duration: Double?
    /// The AAC track every output gets when the source has audio (nil: no audio track).
    public var audio: PlannedAudio?

    public init(width: Int, height: Int, frameRate: Double, duration: Double?, audio: PlannedAudio?) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.duration = duration
        self.audio = audio
    }
}

public struct PlannedAudio: Sendable, Equatable {
    public var codec: String
    /// FFmpeg's profile name (`LC`).
    public var profile: String
    public var sampleRate: Int
    public var channels: Int

    public init(codec: String, profile: String, sampleRate: Int, channels: Int) {
        self.codec = codec
        self.profile = profile
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// What `AudioTrack` always writes: AAC-LC, 48 kHz, stereo.
    public static let output = PlannedAudio(codec: "aac", profile: "LC", sampleRate: 48_000, channels: 2)
}

/// The platform specs a job runs under. `JobRunner.run` requires one, so no caller can forget the checks:
/// Verify's `PlatformCheck.rules` is the real one; `none` knows no platform and only runs jobs whose
/// renditions name none (JobRunner refuses the others).
public struct PlatformRules: Sendable {
    /// Whether these rules know the platform (a spec naming one they don't is refused before any work).
    public var knows: @Sendable (_ platform: String) -> Bool
    /// The rules that depend only on the input (duration, frame rate, size, audio), applied to the planned output.
    public var planned: @Sendable (_ platform: String, PlannedOutput) throws -> [PlatformViolation]
    /// Every rule, applied to the finished file at `path`.
    public var output: @Sendable (_ platform: String, _ path: String) throws -> [PlatformViolation]

    /// The image formats ("jpeg", "png") the platform takes for stills, or nil when it names none.
    public var stillFormats: @Sendable (_ platform: String) -> Set<String>?
    /// The rules for a still rendition's file.
    public var still: @Sendable (_ platform: String, StillFacts) -> [PlatformViolation]

    public init(knows: @escaping @Sendable (String) -> Bool,
                planned: @escaping @Sendable (String, PlannedOutput) throws -> [PlatformViolation],
                output: @escaping @Sendable (String, String) throws -> [PlatformViolation],
                stillFormats: @escaping @Sendable (String) -> Set<String>? = { _ in nil },
                still: @escaping @Sendable (String, StillFacts) -> [PlatformViolation] = { _, _ in [] }) {
        self.knows = knows
        self.planned = planned
        self.output = output
        self.stillFormats = stillFormats
        self.still = still
    }

    /// No platform rules at all: for jobs whose renditions name no platform.
    public static let none = PlatformRules(knows: { _ in false }, planned: { _, _ in [] }, output: { _, _ in [] })
}

/// One rendition's finding, for errors and logs: "story: instagram-reels duration: …", one such item per broken
/// rule (joined by "; "), or "story: instagram-reels: ok".
public struct RenditionFinding: Sendable, Equatable, CustomStringConvertible {
    public var rendition: String
    public var finding: PlatformFinding
    public init(rendition: String, finding: PlatformFinding) {
        self.rendition = rendition
        self.finding = finding
    }
    public var description: String { lines.joined(separator: "; ") }

    /// One line per broken rule ("story: instagram-reels duration: 2.000 s, allowed 3–900 s"), or one saying ok.
    public var lines: [String] {
        finding.ok ? ["\(rendition): \(finding.name): ok"]
            : finding.violations.map { "\(rendition): \(finding.name) \($0.rule): \($0.message)" }
    }
}
