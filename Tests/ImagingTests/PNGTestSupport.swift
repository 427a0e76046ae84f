import Foundation
import Imaging

/// Builds and edits PNG files byte by byte for the PNG tests: chunks with CRCs, zlib streams
/// (stored blocks, and fixed-Huffman runs of zeros for decompression bombs), raw scanlines.
enum PNGBytes {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    struct Chunk {
        var type: String
        var data: [UInt8]
        /// nil: the right CRC.
        var crc: UInt32? = nil
    }

    // MARK: checksums

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for x in bytes {
            a = (a + UInt32(x)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }

    // MARK: chunks

    static func chunks(of png: [UInt8]) -> [Chunk] {
        var result: [Chunk] = []
        var i = 8
        while i + 12 <= png.count {
            let length = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            let type = String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self)
            result.append(Chunk(type: type, data: Array(png[(i + 8)..<(i + 8 + length)])))
            i += 12 + length
        }
        return result
    }

    static func build(_ chunks: [Chunk]) -> [UInt8] {
        var out = signature
        for chunk in chunks {
            let typeBytes = Array(chunk.type.utf8)
            out += be32(UInt32(chunk.data.count)) + typeBytes + chunk.data
            out += be32(chunk.crc ?? crc32(typeBytes + chunk.data))
        }
        return out
    }

    static func ihdr(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8, interlace: UInt8 = 0) -> Chunk {
        Chunk(type: "IHDR", data: be32(width) + be32(height) + [bitDepth, colorType, 0, 0, interlace])
    }

    /// `png` with its IHDR replaced.
    static func replacingHeader(of png: [UInt8], with header: Chunk) -> [UInt8] {
        build(chunks(of: png).map { $0.type == "IHDR" ? header : $0 })
    }

    /// `png` with `extra` chunks right after IHDR (or before IEND).
    static func inserting(_ extra: [Chunk], into png: [UInt8], beforeIEND: Bool = false) -> [UInt8] {
        var list = chunks(of: png)
        list.insert(contentsOf: extra, at: beforeIEND ? list.count - 1 : 1)
        return build(list)
    }

    /// A non-interlaced PNG from raw scanlines (filter type 0 is added), compressed with stored blocks.
    static func raw(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]],
                    palette: [UInt8]? = nil, transparency: [UInt8]? = nil) -> [UInt8] {
        var list = [ihdr(width: width, height: height, bitDepth: bitDepth, colorType: colorType)]
        if let palette { list.append(Chunk(type: "PLTE", data: palette)) }
        if let transparency { list.append(Chunk(type: "tRNS", data: transparency)) }
        list.append(Chunk(type: "IDAT", data: zlibStored(rows.flatMap { [0] + $0 })))
        list.append(Chunk(type: "IEND", data: []))
        return build(list)
    }

    // MARK: zlib

    /// A zlib stream of stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65535, data.count)
            let length = UInt16(end - start)
            out.append(end == data.count ? 1 : 0)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            out += data[start..<end]
            start = end
        } while start < data.count
        return out + be32(adler32(data))
    }

    /// A zlib stream that inflates to `count` zero bytes in about count / 160 bytes: one literal,
    /// then fixed-Huffman copies of length 258 at distance 1.
    static func zlibZeros(_ count: Int) -> [UInt8] {
        precondition(count > 0)
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(1, count: 2)  // BTYPE 01: fixed Huffman
        bits.writeCode(0x30, length: 8)  // literal 0
        var remaining = count - 1
        while remaining >= 258 {
            bits.writeCode(0xC5, length: 8)  // length code 285: 258
            bits.writeCode(0, length: 5)  // distance code 0: 1
            remaining -= 258
        }
        for _ in 0..<remaining { bits.writeCode(0x30, length: 8) }
        bits.writeCode(0, length: 7)  // end of block
        // Adler-32 of zeros: a stays 1, b grows by 1 per byte.
        let adler = UInt32(count % 65521) << 16 | 1
        return [0x78, 0x01] + bits.bytes + be32(adler)
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        private var used = 8

        /// Extra bits and header fields: least significant bit first.
        mutating func write(_ value: UInt32, count: Int) {
            for i in 0..<count { put(UInt8(value >> UInt32(i) & 1)) }
        }

        /// Huffman codes: most significant bit first.
        mutating func writeCode(_ code: UInt32, length: Int) {
            for i in stride(from: length - 1, through: 0, by: -1) { put(UInt8(code >> UInt32(i) & 1)) }
        }

        private mutating func put(_ bit: UInt8) {
            if used == 8 {
                bytes.append(0)
                used = 0
            }
            bytes[bytes.count - 1] |= bit << UInt8(used)
            used += 1
        }
    }
}

/// A seeded generator, so a failing round trip can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// PngSuite images and the RGBA hashes an independent decoder (pypng) gave: Fixtures/pngsuite.
enum PngSuite {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pngsuite")

    struct Expected: Sendable, CustomStringConvertible {
        var name: String
        var width: Int
        var height: Int
        var hash: UInt64
        var description: String { name }
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name + ".png").path }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// Lines of `expected-rgba.txt`: name width height fnv1a64-hex.
    static func manifest() throws -> [Expected] {
        let text = try String(contentsOf: directory.appendingPathComponent("expected-rgba.txt"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let f = line.split(separator: " ")
            guard f.count == 4, let w = Int(f[1]), let h = Int(f[2]), let hash = UInt64(f[3], radix: 16) else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return Expected(name: String(f[0]), width: w, height: h, hash: hash)
        }
    }
}
