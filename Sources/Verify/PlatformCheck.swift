import Foundation
import Media
import Job
import Pipeline

/// One rule of a platform's spec that an output breaks.
public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public var platform: String
    /// The rule's name: `container`, `moov-first`, `edit-list`, `video-codec`, `profile`, `pixel-format`,
    /// `progressive`, `closed-gop`, `frame-rate`, `width`, `height`, `dimensions`, `aspect`, `pixel-aspect`,
    /// `duration`, `file-size`, `bitrate`, `audio-codec`, `audio-profile`, `sample-rate`, `channels`.
    public var rule: String
    public var detail: String
    public var description: String { "\(platform) \(rule): \(detail)" }
    /// As `result.json` records it under its output's `platform`.
    public var finding: PlatformViolation { PlatformViolation(rule: rule, message: detail) }
}

/// Checks output files against `PlatformSpec`s.
public enum PlatformCheck {
    /// Check the file at `path` against the named platform's spec.
    public static func check(path: String, platform: String) throws -> [Violation] {
        guard let spec = PlatformSpec.named(platform) else {
            throw VerifyError.unknownPlatform(platform)
        }
        return check(try OutputFacts.read(path: path), against: spec)
    }

    /// The rules `JobRunner.run(platforms:)` applies: every spec in `PlatformSpec.all`, to the output planned
    /// from the probe (strict renditions, before encoding) and to the finished file.
    public static let rules = PlatformRules(
        knows: { PlatformSpec.named($0) != nil },
        planned: { platform, planned in
            guard let spec = PlatformSpec.named(platform) else { throw VerifyError.unknownPlatform(platform) }
            return check(planned: planned, against: spec).map(\.finding)
        },
        output: { platform, path in try check(path: path, platform: platform).map(\.finding) },
        stillFormats: { PlatformStillSpec.named($0)?.formats },
        still: { platform, facts in PlatformStillSpec.named(platform)?.check(facts) ?? [] })

    /// The rules that depend only on the input — frame rate, size, duration, audio — applied to what a
    /// rendition will make of it. Every one of them is applied again to the finished file.
    public static func check(planned p: PlannedOutput, against s: PlatformSpec) -> [Violation] {
        var out: [Violation] = []
        func fail(_ rule: String, _ detail: String) { out.append(Violation(platform: s.name, rule: rule, detail: detail)) }
        checkFrameRate(p.frameRate, s, fail)
        checkSize(p.width > 0 && p.height > 0 ? (p.width, p.height) : nil, s, fail)
        if let d = p.duration { checkDuration(d, s, fail) }
        if let a = p.audio { checkAudio(codec: a.codec, profile: a.profile, rate: a.sampleRate, channels: a.channels, s, fail) }
        return out
    }

    public static func check(_ f: OutputFacts, against s: PlatformSpec) -> [Violation] {
        var out: [Violation] = []
        func fail(_ rule: String, _ detail: String) { out.append(Violation(platform: s.name, rule: rule, detail: detail)) }
        let isoBMFF = f.containerKind == "mp4" || f.containerKind == "mov"

        if !s.containers.contains(f.containerKind) {
            fail("container", "\(f.containerKind), allowed: \(s.containers.sorted().joined(separator: ", "))")
        }
        if s.moovFirst, isoBMFF, f.info.moovBeforeMdat != true { fail("moov-first", "the moov atom comes after mdat (not fast-start)") }
        if s.noEditLists, isoBMFF, f.info.hasEditList == true { fail("edit-list", "a track carries an edit list (elst)") }

        guard let v = f.video else {
            fail("video-codec", "no video stream")
            return out
        }
        if let codecs = s.videoCodecs, !codecs.contains(v.codec) {
            fail("video-codec", "\(v.codec), allowed: \(codecs.sorted().joined(separator: ", "))")
        }
        if let profiles = s.profiles, !profiles.contains(v.profile ?? "") {
            fail("profile", "\(v.profile ?? "unknown"), required: \(profiles.sorted().joined(separator: ", "))")
        }
        if let formats = s.pixelFormats, !formats.contains(v.pixelFormat ?? "") {
            fail("pixel-format", "\(v.pixelFormat ?? "unknown"), required: 4:2:0 (\(formats.sorted().joined(separator: ", ")))")
        }
        if s.progressive, let order = v.fieldOrder, order != "progressive" { fail("progressive", "interlaced (\(order))") }
        if s.closedGOP, !f.scan.closedGOP { fail("closed-gop", f.scan.openGOPReason ?? "open GOP") }
        if s.squarePixels, let sar = v.sampleAspectRatio, sar.isValid, sar.num != sar.den {
            fail("pixel-aspect", "sample aspect \(sar.num):\(sar.den), required 1:1")
        }
        checkFrameRate(f.frameRate, s, fail)
        checkSize(f.displaySize, s, fail)
        checkDuration(f.duration, s, fail)
        if let max = s.maxFileBytes, f.fileBytes > max {
            fail("file-size", "\(f.fileBytes) bytes, over \(max / 1_000_000) MB")
        }
        if let ceiling = bitrateCeiling(s, f) {
            let rate = f.scan.videoBitrate
            if rate > ceiling.value {
                fail("bitrate", String(format: "video %.2f Mb/s, over the ceiling (%@)", rate / 1e6, ceiling.label))
            }
        }

        if let a = f.audio {
            checkAudio(codec: a.codec, profile: a.profile, rate: a.sampleRate ?? 0, channels: a.channels ?? 0, s, fail)
        }
        return out
    }

    private static func checkFrameRate(_ fps: Double?, _ s: PlatformSpec, _ fail: (String, String) -> Void) {
        guard let range = s.frameRate else { return }
        if let fps, !(range.lowerBound - 0.01...range.upperBound + 0.01).contains(fps) {
            fail("frame-rate", String(format: "%.3f fps, allowed %@", fps, rangeText(range, unit: "fps")))
        } else if fps == nil {
            fail("frame-rate", "unknown frame rate")
        }
    }

    private static func checkDuration(_ duration: Double, _ s: PlatformSpec, _ fail: (String, String) -> Void) {
        if let range = s.duration, !range.contains(duration) {
            fail("duration", String(format: "%.3f s, allowed %@", duration, rangeText(range, unit: "s")))
        }
    }

    private static func checkAudio(codec: String, profile: String?, rate: Int, channels: Int, _ s: PlatformSpec,
                                   _ fail: (String, String) -> Void) {
        if let codecs = s.audioCodecs, !codecs.contains(codec) {
            fail("audio-codec", "\(codec), allowed: \(codecs.sorted().joined(separator: ", "))")
        } else if let profiles = s.audioProfiles, !profiles.contains(profile ?? "") {
            fail("audio-profile", "AAC \(profile ?? "unknown profile"), required AAC-LC")
        }
        if let max = s.maxSampleRate, rate > max { fail("sample-rate", "\(rate) Hz, over \(max) Hz") }
        if let rates = s.sampleRates, !rates.contains(rate) {
            fail("sample-rate", "\(rate) Hz, allowed: \(rates.sorted().map { "\($0) Hz" }.joined(separator: ", "))")
        }
        if let allowed = s.channels, !allowed.contains(channels) {
            fail("channels", "\(channels), allowed: \(allowed.sorted().map(String.init).joined(separator: ", "))")
        }
    }

    private static func checkSize(_ size: (width: Int, height: Int)?, _ s: PlatformSpec, _ fail: (String, String) -> Void) {
        guard let (w, h) = size, w > 0, h > 0 else {
            fail("dimensions", "unknown picture size")
            return
        }
        if let max = s.maxWidth, w > max { fail("width", "\(w) px, over \(max) px") }
        if let min = s.minWidth, w < min { fail("width", "\(w) px, under \(min) px") }
        if let min = s.minHeight, h < min { fail("height", "\(h) px, under \(min) px") }
        if let max = s.maxLongSide, Swift.max(w, h) > max { fail("dimensions", "\(w)×\(h): the longer side is over \(max) px") }
        if let max = s.maxShortSide, Swift.min(w, h) > max { fail("dimensions", "\(w)×\(h): the shorter side is over \(max) px") }
        if let range = s.sideRange, !range.contains(w) || !range.contains(h) {
            fail("dimensions", "\(w)×\(h): each side must be \(range.lowerBound)–\(range.upperBound) px")
        }
        if let aspects = s.aspects {
            let actual = Double(w) / Double(h)
            let ok = aspects.contains { abs(actual / (Double($0.0) / Double($0.1)) - 1) <= 0.01 }
            if !ok {
                fail("aspect", String(format: "%d×%d (%.3f), allowed %@", w, h, actual,
                                      aspects.map { "\($0.0):\($0.1)" }.joined(separator: ", ")))
            }
        }
    }

    /// The ceiling that applies to this output: the first class its shorter side fits in.
    static func bitrateCeiling(_ s: PlatformSpec, _ f: OutputFacts) -> (value: Double, label: String)? {
        let short = f.displaySize.map { min($0.width, $0.height) } ?? 0
        guard let c = s.bitrate.first(where: { $0.maxShortSide.map { short <= $0 } ?? true }) else { return nil }
        if let high = c.highFrameRateCeiling, let fps = f.frameRate, fps >= 47.95 { return (high, c.label) }
        return (c.ceiling, c.label)
    }

    private static func rangeText(_ r: ClosedRange<Double>, unit: String) -> String {
        func n(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
        return r.lowerBound == 0 ? "≤ \(n(r.upperBound)) \(unit)" : "\(n(r.lowerBound))–\(n(r.upperBound)) \(unit)"
    }
}
