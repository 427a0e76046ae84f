import Foundation
import Media
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

    /// For `JobRunner.run(outputCheck:)`: a rendition that names a platform is checked against its spec;
    /// each violation comes back as "<rendition>: <platform> <rule>: <detail>".
    public static let outputCheck: @Sendable (String, RenditionSpec) throws -> [String] = { path, rendition in
        guard let platform = rendition.platform else { return [] }
        return try check(path: path, platform: platform).map { "\(rendition.name): \($0)" }
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
        let fps = f.frameRate
        if let range = s.frameRate {
            if let fps, !(range.lowerBound - 0.01...range.upperBound + 0.01).contains(fps) {
                fail("frame-rate", String(format: "%.3f fps, allowed %@", fps, rangeText(range, unit: "fps")))
            } else if fps == nil {
                fail("frame-rate", "unknown frame rate")
            }
        }
        checkSize(f, s, fail)

        let duration = f.duration
        if let range = s.duration, !range.contains(duration) {
            fail("duration", String(format: "%.3f s, allowed %@", duration, rangeText(range, unit: "s")))
        }
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
            if let codecs = s.audioCodecs, !codecs.contains(a.codec) {
                fail("audio-codec", "\(a.codec), allowed: \(codecs.sorted().joined(separator: ", "))")
            } else if let profiles = s.audioProfiles, !profiles.contains(a.profile ?? "") {
                fail("audio-profile", "AAC \(a.profile ?? "unknown profile"), required AAC-LC")
            }
            let rate = a.sampleRate ?? 0
            if let max = s.maxSampleRate, rate > max { fail("sample-rate", "\(rate) Hz, over \(max) Hz") }
            if let rates = s.sampleRates, !rates.contains(rate) {
                fail("sample-rate", "\(rate) Hz, allowed: \(rates.sorted().map { "\($0) Hz" }.joined(separator: ", "))")
            }
            if let channels = s.channels, !channels.contains(a.channels ?? 0) {
                fail("channels", "\(a.channels ?? 0), allowed: \(channels.sorted().map(String.init).joined(separator: ", "))")
            }
        }
        return out
    }

    private static func checkSize(_ f: OutputFacts, _ s: PlatformSpec, _ fail: (String, String) -> Void) {
        guard let (w, h) = f.displaySize, w > 0, h > 0 else {
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
