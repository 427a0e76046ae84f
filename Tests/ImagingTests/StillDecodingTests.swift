import Foundation
import Imaging
import Testing

/// Still inputs: JPEG, PNG and HEIF decoded upright, in sRGB, under limits; hostile files refused.
@Suite struct StillDecodingTests {
    /// A stored picture whose top-left 8×8 is red, the rest grey.
    static func marked(width: Int = 48, height: Int = 32) throws -> RGBAImage {
        var img = try RGBAImage(width: width, height: height, fill: .init(r: 128, g: 128, b: 128))
        for y in 0..<8 { for x in 0..<8 { img[x: x, y: y] = .init(r: 255, g: 0, b: 0) } }
        return img
    }

    /// A JPEG with extra segments spliced in after SOI (APP1 EXIF, APP2 ICC, …).
    static func jpeg(_ img: RGBAImage, segments: [(UInt8, [UInt8])] = [], progressive: Bool = false) throws -> [UInt8] {
        let plain = try JPEG.encode(img, quality: 95, progressive: progressive, subsampling: .s444)
        var out: [UInt8] = [0xFF, 0xD8]
        for (marker, payload) in segments {
            let n = payload.count + 2
            out += [0xFF, marker, UInt8(n >> 8), UInt8(n & 255)] + payload
        }
        return out + plain.dropFirst(2)
    }

    /// A little-endian TIFF body with IFD0 holding `entries` (tag, type, count, value).
    static func exif(_ entries: [(UInt16, UInt16, UInt32, UInt32)], ifdOffset: UInt32 = 8) -> [UInt8] {
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24)] }
        var t: [UInt8] = [0x49, 0x49] + le16(42) + le32(ifdOffset)
        t += le16(UInt16(entries.count))
        for e in entries { t += le16(e.0) + le16(e.1) + le32(e.2) + le32(e.3) }
        return t + le32(0)
    }

    static func app1(_ tiff: [UInt8]) -> (UInt8, [UInt8]) { (0xE1, Array("Exif\0\0".utf8) + tiff) }

    static func app2ICC(_ icc: [UInt8], chunk: Int = 65_000) -> [(UInt8, [UInt8])] {
        let parts = stride(from: 0, to: icc.count, by: chunk).map { Array(icc[$0..<min(icc.count, $0 + chunk)]) }
        return parts.enumerated().map { i, p in (0xE2, Array("ICC_PROFILE\0".utf8) + [UInt8(i + 1), UInt8(parts.count)] + p) }
    }

    static func isRed(_ p: RGBAImage.Pixel) -> Bool { p.r > 200 && p.g < 60 && p.b < 60 }

    @Test(arguments: [(1, 0, 0), (2, 40, 0), (3, 40, 24), (4, 0, 24), (5, 0, 0), (6, 24, 0), (7, 24, 40), (8, 0, 40)])
    func everyOrientationComesOutUpright(_ c: (Int, Int, Int)) throws {
        let (orientation, x, y) = c
        let bytes = try Self.jpeg(try Self.marked(), segments: [Self.app1(Self.exif([(0x0112, 3, 1, UInt32(orientation))]))])
        let still = try StillImage.decode(bytes)
        #expect(still.orientation == orientation)
        let swaps = orientation >= 5
        #expect(still.image.width == (swaps ? 32 : 48) && still.image.height == (swaps ? 48 : 32))
        // The red corner lands where the orientation sends the stored top-left.
        #expect(Self.isRed(still.image[x: x + 4, y: y + 4]), "orientation \(orientation): \(still.image[x: x + 4, y: y + 4])")
        #expect(!Self.isRed(still.image[x: still.image.width - 1 - x - 4, y: still.image.height - 1 - y - 4]))
    }

    @Test func malformedEXIFMeansNoOrientation() {
        // IFD0 outside the block, an IFD pointing at itself with an absurd count, a wrong type, a value out of range,
        // a bad byte order, a truncated block.
        #expect(EXIFOrientation.read(Self.exif([(0x0112, 3, 1, 6)], ifdOffset: 4000)) == nil)
        var loop = Self.exif([(0x0112, 3, 1, 6)])
        loop[8] = 0xFF; loop[9] = 0xFF
        #expect(EXIFOrientation.read(loop) == nil)
        #expect(EXIFOrientation.read(Self.exif([(0x0112, 4, 1, 6)])) == nil)
        #expect(EXIFOrientation.read(Self.exif([(0x0112, 3, 1, 9)])) == nil)
        #expect(EXIFOrientation.read([0x41, 0x41] + Self.exif([(0x0112, 3, 1, 6)]).dropFirst(2)) == nil)
        #expect(EXIFOrientation.read(Array(Self.exif([(0x0112, 3, 1, 6)]).prefix(15))) == nil)
        #expect(EXIFOrientation.read(Self.exif([(0x010F, 2, 4, 0), (0x0112, 3, 1, 8)])) == 8)
    }

    @Test func displayP3IsConvertedToSRGB() throws {
        let icc = try ColorProfile.iccData(primaries: ColorProfile.displayP3, white: (0.3127, 0.3290))
        let colours: [RGBAImage.Pixel] = [.init(r: 180, g: 60, b: 60), .init(r: 60, g: 170, b: 90), .init(r: 128, g: 128, b: 128)]
        var img = try RGBAImage(width: 24, height: 8)
        for (i, c) in colours.enumerated() { for y in 0..<8 { for x in 0..<8 { img[x: i * 8 + x, y: y] = c } } }
        let still = try StillImage.decode(try Self.jpeg(img, segments: Self.app2ICC(icc)))
        #expect(still.convertedFrom != nil)
        for (i, c) in colours.enumerated() {
            let expected = Self.p3ToSRGB(c)
            let got = still.image[x: i * 8 + 4, y: 4]
            for (e, g) in zip(expected, [got.r, got.g, got.b]) {
                #expect(abs(Int(e) - Int(g)) <= 3, "P3 \(c) → expected sRGB \(expected), got \(got)")
            }
        }
    }

    /// Display P3 → sRGB by the book: decode the curve, the linear P3-D65 → sRGB matrix, encode, clip.
    static func p3ToSRGB(_ c: RGBAImage.Pixel) -> [UInt8] {
        func lin(_ v: UInt8) -> Double { let x = Double(v) / 255; return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4) }
        func enc(_ x: Double) -> UInt8 {
            let v = min(1, max(0, x))
            return UInt8(((v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1 / 2.4) - 0.055) * 255).rounded())
        }
        let (r, g, b) = (lin(c.r), lin(c.g), lin(c.b))
        return [enc(1.2249 * r - 0.2247 * g), enc(-0.0420 * r + 1.0419 * g), enc(-0.0197 * r - 0.0786 * g + 1.0979 * b)]
    }

    @Test func aDecompressionBombIsRefusedFromItsHeader() throws {
        // A 64×64 JPEG whose frame header claims 60000×60000: refused before any pixel memory.
        var bytes = try JPEG.encode(try RGBAImage(width: 64, height: 64, fill: .white), quality: 80, progressive: false, subsampling: .s420)
        let sof = try #require((0..<bytes.count - 9).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[sof + 5] = 0xEA; bytes[sof + 6] = 0x60; bytes[sof + 7] = 0xEA; bytes[sof + 8] = 0x60
        #expect { try StillImage.decode(bytes) } throws: { ($0 as? ImagingError)?.isTooLarge == true }
    }

    @Test func truncatedAndEndlessJPEGsAreRefused() throws {
        let img = try Self.marked(width: 256, height: 256)
        let whole = try JPEG.encode(img, quality: 90, progressive: true, subsampling: .s420)
        #expect(try StillImage.decode(whole).progressive)
        #expect { try StillImage.decode(Array(whole.prefix(whole.count * 2 / 3))) } throws: { error in
            "\(error)".contains("truncated")
        }
        // A progressive file with more scans than allowed (the simple progression has 10; allow 4).
        var limits = StillLimits.default
        limits.maxScans = 4
        #expect { try JPEG.decode(whole, limits: limits) } throws: { "\($0)".contains("scans") }
    }

    @Test func aHugeICCProfileIsRefused() throws {
        let huge = [UInt8](repeating: 7, count: 5 << 20)
        let bytes = try Self.jpeg(try Self.marked(), segments: Self.app2ICC(huge, chunk: 65_000).prefix(255).map { $0 })
        #expect { try StillImage.decode(bytes) } throws: { ($0 as? ImagingError)?.isTooLarge == true || "\($0)".contains("ICC") }
        // Garbage where a profile should be is refused too (guessing its colours would publish them wrong).
        let junk = try Self.jpeg(try Self.marked(), segments: Self.app2ICC([UInt8](repeating: 1, count: 300)))
        #expect { try StillImage.decode(junk) } throws: { "\($0)".contains("ICC") }
    }

    @Test func aPNGKeepsItsTransparencyAndAPhotoIsNotAGraphic() throws {
        var poster = try RGBAImage(width: 64, height: 64, fill: .transparent)
        for y in 8..<56 { for x in 8..<56 { poster[x: x, y: y] = .init(r: 0, g: 114, b: 188) } }
        let still = try StillImage.decode(try PNG.encode(poster))
        #expect(still.format == .png && still.hasAlpha && still.isGraphic)
        // An opaque RGBA PNG does not count as transparent.
        let opaque = try StillImage.decode(try PNG.encode(try RGBAImage(width: 8, height: 8, fill: .white)))
        #expect(!opaque.hasAlpha)
        var noise = try RGBAImage(width: 128, height: 128)
        var rng = SystemRandomNumberGenerator()
        for i in 0..<noise.pixels.count { noise.pixels[i] = i % 4 == 3 ? 255 : UInt8.random(in: 0...255, using: &rng) }
        #expect(!(try StillImage.decode(try PNG.encode(noise))).isGraphic)
    }

    @Test func stillsAreToldApartFromVideosByContent() {
        #expect(StillImage.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(StillImage.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
        let heic: [UInt8] = [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8)
        #expect(StillImage.sniff(heic) == .heif)
        let mp4: [UInt8] = [0, 0, 0, 24] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8)
        #expect(StillImage.sniff(mp4) == nil)
        #expect(StillImage.sniff(Array("RIFF....AVI ".utf8)) == nil)
    }

    @Test func aHEICFromHeifEncIsDecoded() throws {
        // heif-enc (libheif-examples) makes the HEIC from a PNG, as an iPhone would store it (HEVC in HEIF).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mw-heic-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try PNG.write(try Self.marked(width: 128, height: 96), to: dir.appendingPathComponent("in.png").path)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/heif-enc")
        p.arguments = ["-q", "90", dir.appendingPathComponent("in.png").path, "-o", dir.appendingPathComponent("in.heic").path]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let path = dir.appendingPathComponent("in.heic").path
        #expect(StillImage.sniff(path: path) == .heif)
        let still = try StillImage.read(path: path)
        #expect(still.format == .heif && still.image.width == 128 && still.image.height == 96)
        #expect(Self.isRed(still.image[x: 3, y: 3]) && !Self.isRed(still.image[x: 100, y: 80]))
        // Its primary image's size claimed as 60000×60000 (the ispe box): refused before decoding.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let ispe = try #require((0..<bytes.count - 16).first { bytes[$0..<$0 + 4].elementsEqual("ispe".utf8) })
        for k in [ispe + 8, ispe + 12] { bytes[k] = 0; bytes[k + 1] = 0; bytes[k + 2] = 0xEA; bytes[k + 3] = 0x60 }
        #expect(throws: ImagingError.self) { try StillImage.decode(bytes) }
        // Thousands of items (a grid of tiny tiles): refused from the iinf box before libheif parses them.
        var many = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(HEIF.itemCount(many).map { $0 >= 1 && $0 < 10 } == true)
        let iinf = try #require((0..<many.count - 16).first { many[$0..<$0 + 4].elementsEqual("iinf".utf8) })
        #expect(many[iinf + 4] == 0, "iinf version 0: a 16-bit count")
        many[iinf + 8] = 0x13; many[iinf + 9] = 0x88   // 5000
        #expect(HEIF.itemCount(many) == 5000)
        #expect { try StillImage.decode(many) } throws: { error in
            (error as? ImagingError)?.isTooLarge == true && "\(error)".contains("5000 items")
        }
    }
}
