import Foundation
import Imaging
import Testing

/// Corrupt and oversized PNGs, built from a valid PngSuite file: each must throw an `ImagingError`.
@Suite("PNG refusals")
struct PNGRefusalTests {
    static func base() throws -> [UInt8] { try PngSuite.bytes("basn2c08") }

    static func decodeError(_ png: [UInt8], limits: PNGLimits = .default) -> ImagingError? {
        #expect(throws: ImagingError.self) { try PNG.decode(png, limits: limits) }
    }

    @Test func badSignature() throws {
        var png = try Self.base()
        png[1] = UInt8(ascii: "X")
        let error = Self.decodeError(png)
        #expect(error?.kind == .corrupt)
        #expect(error?.description == "corrupt image: Not a PNG file")
    }

    @Test func badHeaderCRC() throws {
        var chunks = PNGBytes.chunks(of: try Self.base())
        chunks[0].crc = 0xDEAD_BEEF
        let error = Self.decodeError(PNGBytes.build(chunks))
        #expect(error?.kind == .corrupt)
        #expect(error?.description.contains("IHDR: CRC error") == true)
    }

    @Test func badImageDataCRC() throws {
        let chunks = PNGBytes.chunks(of: try Self.base()).map { chunk in
            var chunk = chunk
            if chunk.type == "IDAT" { chunk.crc = 1 }
            return chunk
        }
        let error = Self.decodeError(PNGBytes.build(chunks))
        #expect(error?.kind == .corrupt)
        #expect(error?.description.contains("IDAT: CRC error") == true)
    }

    @Test("invalid header fields", arguments: [
        (UInt8(8), UInt8(1), "color type"), (8, 9, "color type"),  // colour types 1 and 9
        (0, 2, "bit depth"), (3, 0, "bit depth"), (99, 2, "bit depth"),  // bit depths 0, 3, 99
        (16, 3, "color type/bit depth combination"),  // 16-bit palette
    ])
    func invalidHeader(bitDepth: UInt8, colorType: UInt8, reason: String) throws {
        let header = PNGBytes.ihdr(width: 32, height: 32, bitDepth: bitDepth, colorType: colorType)
        let error = Self.decodeError(PNGBytes.replacingHeader(of: try Self.base(), with: header))
        #expect(error?.kind == .corrupt)
        #expect(error?.description.hasPrefix("corrupt image: Invalid IHDR data: Invalid \(reason) in IHDR") == true)
    }

    @Test func noImageData() throws {
        let chunks = PNGBytes.chunks(of: try Self.base()).filter { $0.type != "IDAT" }
        #expect(Self.decodeError(PNGBytes.build(chunks))?.kind == .corrupt)
    }

    @Test func truncatedZlibData() throws {
        let chunks = PNGBytes.chunks(of: try Self.base()).map { chunk in
            var chunk = chunk
            if chunk.type == "IDAT" { chunk.data = Array(chunk.data.prefix(chunk.data.count / 2)) }
            return chunk
        }
        #expect(Self.decodeError(PNGBytes.build(chunks))?.kind == .corrupt)
    }

    @Test func truncatedFile() throws {
        let png = try Self.base()
        for length in [0, 7, 8, 20, 33, png.count / 2, png.count - 1] {
            #expect(Self.decodeError(Array(png.prefix(length)))?.kind == .corrupt, "\(length) bytes")
        }
    }

    @Test func garbageScanlineFilter() throws {
        // Filter type 7 does not exist.
        let png = PNGBytes.build([
            PNGBytes.ihdr(width: 1, height: 1, bitDepth: 8, colorType: 0),
            .init(type: "IDAT", data: PNGBytes.zlibStored([7, 0])), .init(type: "IEND", data: []),
        ])
        #expect(Self.decodeError(png)?.kind == .corrupt)
    }

    // MARK: limits

    @Test("oversized dimensions are refused before pixel memory",
          arguments: [(UInt32(30000), UInt32(30000)), (1_000_000, 1), (1, 20000), (0x7FFF_FFFF, 1)])
    func tooLarge(width: UInt32, height: UInt32) throws {
        // The IDAT holds 32×32 pixels: reading it would fail as corrupt, so "too large" shows the check
        // came first.
        let header = PNGBytes.ihdr(width: width, height: height, bitDepth: 8, colorType: 2)
        let error = Self.decodeError(PNGBytes.replacingHeader(of: try Self.base(), with: header))
        #expect(error?.kind == .tooLarge)
        #expect(error?.declaredSize?.width == Int(width) && error?.declaredSize?.height == Int(height))
        #expect(error?.description.contains("\(width)×\(height), over the 16384 px") == true)
    }

    @Test func pixelLimit() throws {
        var limits = PNGLimits()
        limits.maxPixels = 1023
        let error = Self.decodeError(try Self.base(), limits: limits)
        #expect(error?.limit == .pixels(1023))
        #expect(error?.description == "image is 32×32, over the 1023 pixel limit")
        limits.maxPixels = 1024
        #expect(try PNG.decode(try Self.base(), limits: limits).width == 32)
    }

    @Test func sizeLimitOnMemoryData() throws {
        let error = Self.decodeError(try Self.base(), limits: PNGLimits(maxFileBytes: 100))
        #expect(error?.limit == .fileBytes(100))
    }

    @Test func invalidLimits() throws {
        let error = Self.decodeError(try Self.base(), limits: PNGLimits(maxChunkBytes: 0))
        #expect(error?.kind == .invalidArgument)
    }

    @Test func compressedTextBomb() throws {
        // 40 KB of zTXt that inflates to 8 MiB, before and after the image data.
        let bomb = PNGBytes.Chunk(type: "zTXt", data: Array("Comment".utf8) + [0, 0] + PNGBytes.zlibZeros(8 << 20))
        for beforeIEND in [false, true] {
            let error = Self.decodeError(PNGBytes.inserting([bomb], into: try Self.base(), beforeIEND: beforeIEND))
            #expect(error?.kind == .tooLarge)
            #expect(error?.limit == .chunkBytes(1 << 20))
            #expect(error?.description.contains("zTXt") == true)
        }
    }

    @Test func internationalTextBomb() throws {
        let bomb = PNGBytes.Chunk(type: "iTXt", data: Array("XML".utf8) + [0, 1, 0, 0, 0] + PNGBytes.zlibZeros(4 << 20))
        #expect(Self.decodeError(PNGBytes.inserting([bomb], into: try Self.base()))?.limit == .chunkBytes(1 << 20))
    }

    @Test func colourProfileOverLimit() throws {
        // The profile header claims 8 MiB; libpng checks that against the limit before inflating more.
        let profileHeader = PNGBytes.be32(8 << 20) + [UInt8](repeating: 0, count: 128)
        let iccp = PNGBytes.Chunk(type: "iCCP", data: Array("ICC".utf8) + [0, 0] + PNGBytes.zlibStored(profileHeader))
        let error = Self.decodeError(PNGBytes.inserting([iccp], into: try Self.base()))
        #expect(error?.kind == .tooLarge)
        #expect(error?.description.contains("iCCP") == true)
    }

    @Test func tooManyTextChunks() throws {
        let texts = (0..<300).map { PNGBytes.Chunk(type: "tEXt", data: Array("Note\($0)".utf8) + [0, 97]) }
        let error = Self.decodeError(PNGBytes.inserting(texts, into: try Self.base()))
        #expect(error?.kind == .tooLarge)
        #expect(error?.description.contains("no space in chunk cache") == true)
        #expect(try PNG.decode(PNGBytes.inserting(Array(texts.prefix(100)), into: try Self.base())).width == 32)
    }

    @Test func uncompressedChunkOverLimit() throws {
        let text = PNGBytes.Chunk(type: "tEXt", data: Array("Comment".utf8) + [0] + [UInt8](repeating: 97, count: 2 << 20))
        let error = Self.decodeError(PNGBytes.inserting([text], into: try Self.base()))
        #expect(error?.limit == .chunkBytes(1 << 20))
        // The same chunk under a larger limit is fine.
        #expect(try PNG.decode(PNGBytes.inserting([text], into: try Self.base()), limits: PNGLimits(maxChunkBytes: 4 << 20)).width == 32)
    }
}
