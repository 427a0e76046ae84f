import Foundation

/// Builds PNG files byte by byte: a valid small RGBA picture (stored deflate blocks, so no zlib is needed)
/// and the hostile variants the tests feed the worker.
enum PNGForge {
    struct Chunk {
        var type: String
        var data: [UInt8]
        /// `nil`: the correct CRC.
        var crc: UInt32?
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func build(_ chunks: [Chunk], signature: [UInt8] = PNGForge.signature) -> Data {
        var out = signature
        for c in chunks {
            let body = Array(c.type.utf8) + c.data
            out += be32(UInt32(c.data.count)) + body + be32(c.crc ?? crc32(body))
        }
        return Data(out)
    }

    static func ihdr(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 6) -> Chunk {
        Chunk(type: "IHDR", data: be32(width) + be32(height) + [bitDepth, colorType, 0, 0, 0])
    }

    /// zlib stream of `raw` in stored (uncompressed) deflate blocks.
    static func zlibStored(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, raw.count - offset)
            let final: UInt8 = offset + n == raw.count ? 1 : 0
            out += [final, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
            out += raw[offset..<offset + n]
            offset += n
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + be32(b << 16 | a)
    }

    /// Scanlines of a `size`×`size` RGBA picture (filter byte 0), a diagonal gradient, half transparent.
    static func pixels(size: Int) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<size {
            raw.append(0)
            for x in 0..<size { raw += [UInt8(x * 255 / size), UInt8(y * 255 / size), 200, 160] }
        }
        return raw
    }

    /// The chunks of a valid `size`×`size` RGBA PNG.
    static func validChunks(size: Int = 32) -> [Chunk] {
        [ihdr(width: UInt32(size), height: UInt32(size)), Chunk(type: "IDAT", data: zlibStored(pixels(size: size))),
         Chunk(type: "IEND", data: [])]
    }

    static var valid: Data { build(validChunks()) }

    /// A header claiming `width`×`height` over a tiny (valid) compressed stream.
    static func claiming(width: UInt32, height: UInt32) -> Data {
        build([ihdr(width: width, height: height), Chunk(type: "IDAT", data: [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
               Chunk(type: "IEND", data: [])])
    }

    static var badSignature: Data {
        var sig = signature
        sig[1] = UInt8(ascii: "X")
        return build(validChunks(), signature: sig)
    }

    static var badCRC: Data {
        build(validChunks().map { c in
            var c = c
            if c.type == "IDAT" { c.crc = 0xDEAD_BEEF }
            return c
        })
    }

    /// Colour type 1 does not exist.
    static var badColourType: Data {
        var chunks = validChunks()
        chunks[0] = ihdr(width: 32, height: 32, bitDepth: 8, colorType: 1)
        return build(chunks)
    }

    /// Bit depth 3 is not allowed for truecolour with alpha.
    static var badBitDepth: Data {
        var chunks = validChunks()
        chunks[0] = ihdr(width: 32, height: 32, bitDepth: 3, colorType: 6)
        return build(chunks)
    }

    static var noIDAT: Data { build(validChunks().filter { $0.type != "IDAT" }) }

    /// The compressed stream cut in half (with a correct CRC over what is left).
    static var truncatedZlib: Data {
        build(validChunks().map { c in
            var c = c
            if c.type == "IDAT" { c.data = Array(c.data.prefix(c.data.count / 2)) }
            return c
        })
    }

    /// A valid picture with a 2 MiB tEXt chunk before its data.
    static var hugeText: Data {
        var chunks = validChunks()
        let text = Array("Comment".utf8) + [0] + [UInt8](repeating: UInt8(ascii: "A"), count: 2 << 20)
        chunks.insert(Chunk(type: "tEXt", data: text), at: 1)
        return build(chunks)
    }
}
