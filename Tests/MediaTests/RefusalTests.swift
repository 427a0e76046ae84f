import Foundation
import Testing

/// Hostile and broken inputs through the real command: one clear line on stderr naming the file and the
/// cause, a non-zero exit, no output left behind, and nothing of a planted secret anywhere.
@Suite struct RefusalTests {
    static let secret = "TOP-SECRET-7f3a9c"

    struct Case: Sendable {
        var name: String
        var file: String
        var make: @Sendable (URL) throws -> Void
        var command: String = "transcode"
        var expect: [String]   // words the error line must contain (any of them)
    }

    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        let len = UInt32(data.count)
        out += [UInt8(len >> 24), UInt8(len >> 16 & 255), UInt8(len >> 8 & 255), UInt8(len & 255)]
        let body = Array(type.utf8) + data
        out += body
        let crc = crc32(body)
        out += [UInt8(crc >> 24), UInt8(crc >> 16 & 255), UInt8(crc >> 8 & 255), UInt8(crc & 255)]
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func hugePNG(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += pngChunk("IHDR", be(width) + be(height) + [8, 6, 0, 0, 0])
        png += pngChunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
        png += pngChunk("IEND", [])
        return png
    }

    static func write(_ url: URL, _ text: String) throws { try Data(text.utf8).write(to: url) }

    static let cases: [Case] = [
        Case(name: "HLS playlist named .mp4 with a local-file segment", file: "playlist.mp4", make: { dir in
            let segment = dir.appendingPathComponent("secret.ts")
            try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x120:d=1", "-metadata", "title=\(secret)",
                                "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts", segment.path])
            try write(dir.appendingPathComponent("playlist.mp4"),
                      "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile://\(segment.path)\n#EXT-X-ENDLIST\n")
        }, expect: ["hls", "not allowed"]),
        Case(name: "concat script", file: "list.mp4", make: { dir in
            let target = dir.appendingPathComponent("secret.mp4")
            try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x120:d=1", "-metadata", "title=\(secret)",
                                "-c:v", "libx264", "-preset", "ultrafast", target.path])
            try write(dir.appendingPathComponent("list.mp4"), "ffconcat version 1.0\nfile '\(target.path)'\n")
        }, expect: ["concat", "not allowed"]),
        Case(name: "PNG header claiming 30000×30000", file: "huge.png", make: { dir in
            try Data(hugePNG(width: 30000, height: 30000)).write(to: dir.appendingPathComponent("huge.png"))
        }, command: "thumbnail", expect: ["limit", "pixels"]),
        Case(name: "zero-byte file", file: "empty.mp4", make: { dir in
            try Data().write(to: dir.appendingPathComponent("empty.mp4"))
        }, expect: ["empty"]),
        Case(name: "truncated MP4 (mdat cut short)", file: "cut.mp4", make: { dir in
            let data = try Data(contentsOf: URL(fileURLWithPath: Support.sample("campaign-16x9.mp4")))
            try data.prefix(data.count / 3).write(to: dir.appendingPathComponent("cut.mp4"))
        }, expect: ["truncated", "damaged"]),
        Case(name: "truncated MP4 (no moov)", file: "nomoov.mp4", make: { dir in
            let full = dir.appendingPathComponent("full.mp4")
            try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x120:d=2", "-c:v", "libx264", "-preset", "ultrafast", full.path])
            let data = try Data(contentsOf: full)
            try data.prefix(data.count - 600).write(to: dir.appendingPathComponent("nomoov.mp4"))
            try FileManager.default.removeItem(at: full)
        }, expect: ["damaged", "truncated", "moov", "invalid"]),
        Case(name: "text file", file: "notes.mp4", make: { dir in
            try write(dir.appendingPathComponent("notes.mp4"), String(repeating: "This is not a video at all.\n", count: 40))
        }, expect: ["not a recognised media file", "not allowed", "damaged"]),
        Case(name: "audio-only file given to thumbnail", file: "audio.m4a", make: { dir in
            try Support.ffmpeg(["-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", dir.appendingPathComponent("audio.m4a").path])
        }, command: "thumbnail", expect: ["no video stream"]),
    ]

    @Test(arguments: cases.indices)
    func refusedWithOneClearLineAndNoOutput(index: Int) throws {
        let c = Self.cases[index]
        let dir = try Support.temporaryDirectory()
        try c.make(dir)
        let outDir = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let output = outDir.appendingPathComponent(c.command == "thumbnail" ? "shot.png" : "out.mp4").path
        let input = dir.appendingPathComponent(c.file).path
        let extra = c.command == "transcode" ? ["--progress", "none"] : []
        let r = try Support.run(Support.mediaworker, [c.command, input, output] + extra)
        #expect(r.status != 0, "\(c.name): exit status \(r.status)")
        let lines = r.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(c.name): stderr should be one line: \(r.stderr)")
        let line = lines.first.map(String.init) ?? ""
        #expect(line.contains(c.file), "\(c.name): the line names the file: \(line)")
        #expect(c.expect.contains { line.lowercased().contains($0.lowercased()) }, "\(c.name): the cause is clear: \(line)")
        #expect(Support.files(in: outDir).isEmpty, "\(c.name): nothing left in the output folder: \(Support.files(in: outDir))")
        #expect(!r.stderr.contains(Self.secret) && !r.stdout.contains(Self.secret), "\(c.name): the secret leaked")
    }
}
