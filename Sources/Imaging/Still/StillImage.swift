#if canImport(Glibc)
import Glibc
#endif

/// A still input (a photo or a graphic) decoded, upright and in sRGB: what every rendition of a template is
/// rendered from.
public struct StillImage: Sendable {
    public enum Format: String, Sendable, Codable, CaseIterable {
        case png, jpeg, heif
        /// "PNG", "JPEG", "HEIF".
        public var label: String { rawValue.uppercased() }
    }

    /// Upright (orientation applied), sRGB, non-premultiplied.
    public var image: RGBAImage
    public var format: Format
    /// Whether any pixel is not opaque.
    public var hasAlpha: Bool
    /// The size as stored, before the orientation was applied.
    public var storedWidth: Int
    public var storedHeight: Int
    /// The EXIF orientation applied (1: none); HEIF's rotation and mirror are applied by libheif and read 1.
    public var orientation: Int
    /// What the picture was converted from: an ICC profile's description ("Display P3"), "nclx BT.2020", or
    /// nil for sRGB / untagged.
    public var convertedFrom: String?
    public var progressive: Bool

    /// What kind of still a file is, from its first bytes (its content, not its name); nil for anything else
    /// (videos included: an MP4 is an ISO BMFF file too, but not a HEIF image's brands).
    public static func sniff(_ head: [UInt8]) -> Format? {
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.count >= 16, Array(head[4..<8]) == Array("ftyp".utf8) {
            let box = Int(head[0]) << 24 | Int(head[1]) << 16 | Int(head[2]) << 8 | Int(head[3])
            let major = String(decoding: head[8..<12], as: UTF8.self)
            if heifBrands.contains(major) { return .heif }
            var brands: [String] = []
            var at = 16
            while at + 4 <= min(box, head.count) {
                brands.append(String(decoding: head[at..<at + 4], as: UTF8.self))
                at += 4
            }
            if brands.contains("mif1") || brands.contains("heic") { return .heif }
        }
        return nil
    }

    /// Image (not sequence) brands of HEIF (ISO/IEC 23008-12) and AVIF.
    static let heifBrands: Set<String> = ["heic", "heix", "heim", "heis", "mif1", "avif"]

    /// The kind of still at `path`, or nil when it is not one (or cannot be read: opening it is then the
    /// video path's to refuse with its own error).
    public static func sniff(path: String) -> Format? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var head = [UInt8](repeating: 0, count: 64)
        let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 64) }
        guard n > 0 else { return nil }
        return sniff(Array(head.prefix(n)))
    }

    /// Reads and decodes the still at `path`: refused over `limits` (size from the header, before any pixel
    /// memory), turned upright, converted to sRGB.
    public static func read(path: String, limits: StillLimits = .default) throws(ImagingError) -> StillImage {
        let bytes = try PNGFile.readAll(path: path, maxBytes: limits.maxFileBytes)
        do {
            return try decode(bytes, limits: limits)
        } catch {
            throw error.with(path: path)
        }
    }

    public static func decode(_ bytes: [UInt8], limits: StillLimits = .default) throws(ImagingError) -> StillImage {
        guard let format = sniff(Array(bytes.prefix(64))) else {
            throw .corrupt("not a PNG, JPEG or HEIF image")
        }
        var still: StillImage
        switch format {
        case .png:
            let (image, icc, alpha) = try PNG.decodeStill(bytes, limits: limits.png)
            still = StillImage(image: image, format: .png, hasAlpha: alpha, storedWidth: image.width, storedHeight: image.height,
                               orientation: 1, convertedFrom: nil, progressive: false)
            if let icc { still.convertedFrom = try ColorProfile.convertToSRGB(&still.image, icc: icc) }
        case .jpeg:
            let d = try JPEG.decode(bytes, limits: limits)
            var image = d.image
            var name: String?
            if let icc = d.icc { name = try ColorProfile.convertToSRGB(&image, icc: icc) }
            let orientation = d.exif.flatMap(EXIFOrientation.read) ?? 1
            still = StillImage(image: try image.applyingOrientation(orientation), format: .jpeg, hasAlpha: false,
                               storedWidth: d.image.width, storedHeight: d.image.height, orientation: orientation,
                               convertedFrom: name, progressive: d.progressive)
        case .heif:
            let d = try HEIF.decode(bytes, limits: limits)
            var image = d.image
            var name: String?
            if let icc = d.icc {
                name = try ColorProfile.convertToSRGB(&image, icc: icc)
            } else if let p = d.nclxPrimaries, let (label, primaries) = nclxPrimaries[p] {
                try ColorProfile.convertToSRGB(&image, primaries: primaries, white: (0.3127, 0.3290))
                name = "nclx \(label)"
            }
            still = StillImage(image: image, format: .heif, hasAlpha: d.hasAlpha, storedWidth: d.image.width,
                               storedHeight: d.image.height, orientation: 1, convertedFrom: name, progressive: false)
        }
        if still.hasAlpha { still.hasAlpha = still.image.hasTransparency }
        return still
    }

    /// Wide-gamut nclx primaries (H.273) with a D65 white; BT.709 (1) is sRGB's own and needs nothing.
    static let nclxPrimaries: [Int: (String, [(Double, Double)])] = [
        9: ("BT.2020", [(0.708, 0.292), (0.170, 0.797), (0.131, 0.046)]),
        12: ("Display P3", ColorProfile.displayP3),
    ]

    /// Whether the picture looks like a graphic (a poster: few distinct colours, flat areas) rather than a
    /// photo: fewer than `limit` distinct colours among a grid of up to 64 K samples.
    public var isGraphic: Bool {
        let img = image
        let step = max(1, Int((Double(img.width * img.height) / 65536).squareRoot()))
        var colours = Set<UInt32>()
        return img.pixels.withUnsafeBytes { raw -> Bool in
            let p = raw.bindMemory(to: UInt32.self)
            var y = 0
            while y < img.height {
                var x = 0
                while x < img.width {
                    colours.insert(p[y * img.width + x])
                    if colours.count > 2048 { return false }
                    x += step
                }
                y += step
            }
            return true
        }
    }
}

extension RGBAImage {
    /// Whether any pixel's alpha is below 255.
    public var hasTransparency: Bool {
        pixels.withUnsafeBytes { raw in
            var i = 3
            while i < raw.count {
                if raw[i] != 255 { return true }
                i += 4
            }
            return false
        }
    }

    /// The picture composited over an opaque background colour (alpha becomes 255).
    public func flattened(onto bg: Pixel) -> RGBAImage {
        var out = self
        out.pixels.withUnsafeMutableBytes { p in
            var i = 0
            while i < p.count {
                let a = Int(p[i + 3])
                if a != 255 {
                    p[i] = UInt8((Int(p[i]) * a + Int(bg.r) * (255 - a) + 127) / 255)
                    p[i + 1] = UInt8((Int(p[i + 1]) * a + Int(bg.g) * (255 - a) + 127) / 255)
                    p[i + 2] = UInt8((Int(p[i + 2]) * a + Int(bg.b) * (255 - a) + 127) / 255)
                    p[i + 3] = 255
                }
                i += 4
            }
        }
        return out
    }
}
