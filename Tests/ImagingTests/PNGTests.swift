import Foundation
import Imaging
import Testing

@Suite("PNG decode and encode")
struct PNGTests {
    typealias Pixel = RGBAImage.Pixel

    // MARK: round trips

    @Test("RGBA round trip is exact", arguments: [(1, 1), (2, 3), (3, 2), (17, 5), (64, 33), (255, 1), (1, 255)])
    func roundTrip(width: Int, height: Int) throws {
        var rng = SplitMix64(state: UInt64(width * 1000 + height))
        let pixels = (0..<(width * height * 4)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let image = try RGBAImage(width: width, height: height, pixels: pixels)
        for level in [0, 6, 9] {
            let png = try PNG.encode(image, compressionLevel: level)
            #expect(Array(png.prefix(8)) == PNGBytes.signature)
            #expect(try PNG.decode(png) == image, "level \(level)")
        }
    }

    @Test func encodeRefusesInvalidImages() throws {
        var image = try RGBAImage(width: 4, height: 4, fill: .white)
        #expect(throws: ImagingError.self) { try PNG.encode(image, compressionLevel: 10) }
        image.pixels.removeLast()
        let error = #expect(throws: ImagingError.self) { try PNG.encode(image) }
        #expect(error?.kind == .invalidArgument)
        let empty = try RGBAImage(width: 0, height: 3)
        #expect((#expect(throws: ImagingError.self) { try PNG.encode(empty) })?.kind == .invalidArgument)
    }

    @Test func imageValidatesItsPixels() throws {
        #expect(throws: ImagingError.self) { try RGBAImage(width: 2, height: 2, pixels: [0, 0, 0]) }
        #expect(throws: ImagingError.self) { try RGBAImage(width: -1, height: 2) }
        #expect(throws: ImagingError.self) { try RGBAImage(width: Int.max, height: 2) }
        var image = try RGBAImage(width: 3, height: 2, fill: Pixel(r: 1, g: 2, b: 3, a: 4))
        #expect(image[x: 2, y: 1] == Pixel(r: 1, g: 2, b: 3, a: 4))
        image[x: 2, y: 1] = .white
        #expect(Array(image.pixels.suffix(8)) == [1, 2, 3, 4, 255, 255, 255, 255])
    }

    // MARK: PngSuite

    @Test("PngSuite image decodes to the reference RGBA", arguments: try PngSuite.manifest())
    func pngSuite(_ expected: PngSuite.Expected) throws {
        let image = try PNG.decode(try PngSuite.bytes(expected.name))
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(PNGBytes.fnv1a64(image.pixels) == expected.hash)
    }

    @Test func pngSuiteCoversEveryFormat() throws {
        let names = Set(try PngSuite.manifest().map(\.name))
        let required = [
            "basn0g01", "basn0g02", "basn0g04", "basn0g08", "basn0g16",  // grey 1–16 bit
            "basn2c08", "basn2c16", "s09n3p02", "basn3p04",  // RGB 8/16, palette 2/4 bit
            "basn4a16", "basn6a08", "basn6a16",  // grey+alpha 16, RGBA 8/16
            "basi0g01", "basi0g16", "basi2c16", "basi3p08", "basi6a08",  // Adam7
            "tbbn1g04", "tbrn2c08", "tbgn3p08", "Tp2n3p08",  // tRNS on grey, RGB, palette
        ]
        #expect(names.isSuperset(of: required))
    }

    @Test("Adam7 images decode like their non-interlaced twins",
          arguments: ["0g01", "0g02", "0g04", "0g08", "0g16", "2c08", "2c16", "6a08"])
    func interlacedMatchesNonInterlaced(_ family: String) throws {
        let interlaced = try PNG.decode(try PngSuite.bytes("basi" + family))
        let plain = try PNG.decode(try PngSuite.bytes("basn" + family))
        #expect(interlaced == plain)
    }

    @Test func knownPixels() throws {
        func pixel(_ name: String, _ x: Int, _ y: Int) throws -> Pixel { try PNG.decode(try PngSuite.bytes(name))[x: x, y: y] }
        #expect(try pixel("basn0g01", 0, 0) == .white)
        #expect(try pixel("basn0g01", 31, 31) == .black)
        #expect(try pixel("basn0g16", 31, 0) == Pixel(r: 186, g: 186, b: 186))
        #expect(try pixel("basn2c16", 31, 31) == Pixel(r: 0, g: 0, b: 255))
        #expect(try pixel("basn3p04", 31, 31) == Pixel(r: 255, g: 0, b: 187))
        #expect(try pixel("basn4a16", 15, 15) == Pixel(r: 0, g: 0, b: 0, a: 247))
        #expect(try pixel("basn6a08", 0, 0) == Pixel(r: 255, g: 0, b: 8, a: 0))
        #expect(try pixel("tbbn1g04", 0, 0) == Pixel(r: 119, g: 119, b: 119, a: 0))
        #expect(try pixel("tbrn2c08", 0, 0) == Pixel(r: 127, g: 127, b: 127, a: 0))
        #expect(try pixel("tbrn2c08", 16, 16) == Pixel(r: 0, g: 9, b: 0))
        #expect(try pixel("Tp2n3p08", 31, 31) == Pixel(r: 1, g: 128, b: 255))
        #expect(try PNG.decode(try PngSuite.bytes("s09n3p02")).width == 9)
    }

    // MARK: formats built here

    @Test func greyAlpha8() throws {
        let png = PNGBytes.raw(width: 2, height: 1, bitDepth: 8, colorType: 4, rows: [[10, 20, 200, 255]])
        let image = try PNG.decode(png)
        #expect(image.pixels == [10, 10, 10, 20, 200, 200, 200, 255])
    }

    @Test func palette1BitWithTransparency() throws {
        // 0b10100000: pixels 1, 0, 1 of a two-entry palette; entry 0 is half transparent.
        let png = PNGBytes.raw(width: 3, height: 1, bitDepth: 1, colorType: 3, rows: [[0b1010_0000]],
                               palette: [255, 0, 0, 0, 0, 255], transparency: [128])
        let image = try PNG.decode(png)
        #expect(image.pixels == [0, 0, 255, 255, 255, 0, 0, 128, 0, 0, 255, 255])
    }

    @Test func transparencyOn16BitSamplesComparesAllSixteenBits() throws {
        let grey = PNGBytes.raw(width: 2, height: 1, bitDepth: 16, colorType: 0, rows: [[0x12, 0x34, 0x12, 0x35]],
                                transparency: [0x12, 0x34])
        #expect(try PNG.decode(grey).pixels == [0x12, 0x12, 0x12, 0, 0x12, 0x12, 0x12, 255])
        let rgb = PNGBytes.raw(width: 2, height: 1, bitDepth: 16, colorType: 2,
                               rows: [[1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 7]], transparency: [1, 2, 3, 4, 5, 6])
        #expect(try PNG.decode(rgb).pixels == [1, 3, 5, 0, 1, 3, 5, 255])
    }

    @Test func grey2BitScalesToFullRange() throws {
        let png = PNGBytes.raw(width: 4, height: 1, bitDepth: 2, colorType: 0, rows: [[0b00_01_10_11]])
        #expect(try PNG.decode(png).pixels.enumerated().filter { $0.offset % 4 == 0 }.map(\.element) == [0, 85, 170, 255])
    }

    @Test func compressedTextWithinLimitsIsAccepted() throws {
        let base = try PngSuite.bytes("basn2c08")
        let text = PNGBytes.Chunk(type: "zTXt", data: Array("Comment".utf8) + [0, 0] + PNGBytes.zlibZeros(64 * 1024))
        let itxt = PNGBytes.Chunk(type: "iTXt", data: Array("Title".utf8) + [0, 1, 0, 0, 0] + PNGBytes.zlibStored(Array("hé".utf8)))
        #expect(try PNG.decode(PNGBytes.inserting([text, itxt], into: base)) == PNG.decode(base))
    }
}
