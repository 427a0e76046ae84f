import Job

/// A platform's published spec for images (photo posts, stories, community posts). Not in PLATFORM-SPECS.md
/// (which covers video); taken from the platforms' own pages as of 2026-11, named in `source`.
public struct PlatformStillSpec: Sendable {
    public var name: String
    public var source: String
    /// "jpeg", "png".
    public var formats: Set<String>
    public var widthRange: ClosedRange<Int>?
    /// Allowed width:height, as a range of ratios (Instagram: 4:5 … 1.91:1), within 1 %.
    public var aspectRange: ClosedRange<Double>?
    public var maxFileBytes: Int

    public static func named(_ name: String) -> PlatformStillSpec? { all.first { $0.name == name } }

    public static let all: [PlatformStillSpec] = [
        // Meta's Instagram content publishing API, image specifications: JPEG only, ≤ 8 MB, width 320–1440,
        // aspect 4:5 to 1.91:1 for feed posts; stories are 9:16.
        PlatformStillSpec(name: "instagram-feed", source: "Meta Instagram Graph API, content publishing: image specifications",
                          formats: ["jpeg"], widthRange: 320...1440, aspectRange: 0.8...1.91, maxFileBytes: 8_000_000),
        PlatformStillSpec(name: "instagram-reels", source: "Meta Instagram Graph API, content publishing: story images",
                          formats: ["jpeg"], widthRange: 320...1440, aspectRange: (9.0 / 16)...(9.0 / 16), maxFileBytes: 8_000_000),
        // X media best practices: JPEG, PNG (GIF, WEBP), ≤ 5 MB for photos.
        PlatformStillSpec(name: "x", source: "X developer platform, media best practices: image",
                          formats: ["jpeg", "png"], widthRange: nil, aspectRange: nil, maxFileBytes: 5_000_000),
        // YouTube community posts: JPG, PNG (GIF, WEBP), ≤ 16 MB.
        PlatformStillSpec(name: "youtube", source: "YouTube Help, create community posts: images",
                          formats: ["jpeg", "png"], widthRange: nil, aspectRange: nil, maxFileBytes: 16_000_000),
        // TikTok content posting API, photo posts: JPEG or WEBP, ≤ 20 MB, at most 1080p.
        PlatformStillSpec(name: "tiktok", source: "TikTok for developers, content posting API: photo restrictions",
                          formats: ["jpeg"], widthRange: nil, aspectRange: nil, maxFileBytes: 20_000_000),
    ]

    public func check(_ f: StillFacts) -> [PlatformViolation] {
        var out: [PlatformViolation] = []
        if !formats.contains(f.format) {
            out.append(PlatformViolation(rule: "format", message: "\(f.format), allowed: \(formats.sorted().joined(separator: ", "))"))
        }
        if let r = widthRange, !r.contains(f.width) {
            out.append(PlatformViolation(rule: "width", message: "\(f.width) px, allowed \(r.lowerBound)–\(r.upperBound) px"))
        }
        if let r = aspectRange, f.height > 0 {
            let a = Double(f.width) / Double(f.height)
            if a < r.lowerBound * 0.99 || a > r.upperBound * 1.01 {
                let allowed = r.lowerBound == r.upperBound ? String(format: "%.3f", r.lowerBound)
                    : String(format: "%.3f–%.3f", r.lowerBound, r.upperBound)
                out.append(PlatformViolation(rule: "aspect", message: String(format: "%d×%d (%.3f), allowed %@", f.width, f.height, a, allowed)))
            }
        }
        if f.bytes > maxFileBytes {
            out.append(PlatformViolation(rule: "file-size", message: "\(f.bytes) bytes, over \(maxFileBytes)"))
        }
        return out
    }
}
