import Foundation

/// One hostile input: how to make it (under the input root, with anything it points at planted *outside*
/// the input root, beside the secret), which spec carries it to the worker, and how its job must end.
struct HostileCase: Sendable {
    enum Spec: Sendable {
        /// One small rendition and one thumbnail of `file`.
        case transcode
        /// One thumbnail of `file` (no encode).
        case thumbnails
        /// The good clip with `file` (a PNG) as the watermark image.
        case watermark
        /// One 1920×1080 rendition of `file`.
        case fullHD
    }

    enum Outcome: Sendable, Equatable {
        /// Dead; the error contains every word of one of the alternatives (lowercased).
        /// `retryable`: the failure is worth another attempt, so the job used all of its attempts.
        case dead(anyOf: [[String]], retryable: Bool)
        /// Legal input (a strange name, say): the job succeeds.
        case succeeds
    }

    var name: String
    var file: String
    var spec: Spec
    var outcome: Outcome
    var make: @Sendable (Harness.Folder) throws -> Void

    static func refused(_ words: String...) -> Outcome { .dead(anyOf: [words], retryable: false) }
}

extension HostileCase {
    static let goodClip = "good.mp4"

    /// Writes `data` as `name` in the input root.
    static func put(_ data: Data, _ name: String, _ f: Harness.Folder) throws {
        try data.write(to: URL(fileURLWithPath: f.input + "/" + name))
    }

    static func put(_ text: String, _ name: String, _ f: Harness.Folder) throws { try put(Data(text.utf8), name, f) }

    /// A clip outside the input root whose metadata carries the secret (what a nested open would read).
    static func secretClip(_ f: Harness.Folder, _ name: String, format: [String] = []) throws -> String {
        let path = f.secretDirectory + "/" + name
        try Harness.clip(path, metadata: f.secret, extra: format)
        return path
    }

    static let all: [HostileCase] = media + playlists + names + pngs + limits

    static let media: [HostileCase] = [
        HostileCase(name: "zero-byte file", file: "empty.mp4", spec: .transcode, outcome: refused("empty")) { f in
            try put(Data(), "empty.mp4", f)
        },
        HostileCase(name: "truncated MP4: no moov", file: "nomoov.mp4", spec: .transcode,
                    outcome: .dead(anyOf: [["damaged"], ["truncated"], ["moov"]], retryable: false)) { f in
            let full = f.path + "/full.mp4"
            try Harness.clip(full, seconds: 2)
            let data = try Data(contentsOf: URL(fileURLWithPath: full))
            // ffmpeg writes moov last: cutting the tail removes it.
            try put(data.prefix(data.count - 2000), "nomoov.mp4", f)
        },
        HostileCase(name: "truncated MP4: mdat cut short", file: "cut.mp4", spec: .transcode,
                    outcome: .dead(anyOf: [["damaged"], ["truncated"]], retryable: false)) { f in
            let full = f.path + "/faststart.mp4"
            try Harness.clip(full, seconds: 2, extra: ["-movflags", "+faststart"])
            let data = try Data(contentsOf: URL(fileURLWithPath: full))
            try put(data.prefix(data.count / 3), "cut.mp4", f)
        },
        HostileCase(name: "random bytes", file: "random.mp4", spec: .transcode,
                    outcome: .dead(anyOf: [["not a recognised media file"], ["not allowed"], ["damaged"]], retryable: false)) { f in
            var generator = SystemRandomNumberGenerator()
            try put(Data((0..<65536).map { _ in UInt8.random(in: 0...255, using: &generator) }), "random.mp4", f)
        },
        HostileCase(name: "audio-only input", file: "audio.m4a", spec: .transcode, outcome: refused("no video stream")) { f in
            try Harness.ffmpeg(["-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", f.input + "/audio.m4a"])
        },
        HostileCase(name: "100 streams", file: "streams.mkv", spec: .transcode, outcome: refused("streams", "limit")) { f in
            var args = ["-f", "lavfi", "-i", "testsrc2=s=160x120:d=1", "-f", "lavfi", "-i", "sine=d=1", "-map", "0:v"]
            for _ in 0..<99 { args += ["-map", "1:a"] }
            try Harness.ffmpeg(args + ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le", f.input + "/streams.mkv"])
        },
        HostileCase(name: "codec outside the allowlist (FFV1)", file: "ffv1.mkv", spec: .transcode,
                    outcome: refused("ffv1", "not allowed")) { f in
            try Harness.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x120:d=1", "-c:v", "ffv1", f.input + "/ffv1.mkv"])
        },
        HostileCase(name: "H.264 stream claiming 16384×8192 (134 Mpx) in Matroska", file: "huge-h264.mkv", spec: .transcode,
                    outcome: refused("16384×8192", "limit")) { f in
            try hugeH264(f, width: 16384, height: 8192, output: "huge-h264.mkv")
        },
        // Probing decodes a frame of every stream: sixteen such claims must not cost sixteen huge pictures.
        HostileCase(name: "16 H.264 streams, each claiming 16384×8192", file: "huge-h264-x16.mkv", spec: .transcode,
                    outcome: refused("16384×8192", "limit")) { f in
            try hugeH264(f, width: 16384, height: 8192, output: "huge-h264-x16.mkv", copies: 16)
        },
        // FFmpeg itself finds 16384×16384 invalid (its picture-size check): the stream has no usable SPS.
        HostileCase(name: "H.264 stream claiming 16384×16384 in MPEG-TS", file: "huge-h264.ts", spec: .transcode,
                    outcome: .dead(anyOf: [["damaged"], ["limit"]], retryable: false)) { f in
            try hugeH264(f, width: 16384, height: 16384, output: "huge-h264.ts")
        },
    ]

    /// A tiny H.264 stream whose SPS claims `width`×`height`, muxed (copied, not decoded) by ffmpeg.
    static func hugeH264(_ f: Harness.Folder, width: Int, height: Int, output: String, copies: Int = 1) throws {
        let raw = f.path + "/\(output).h264"
        try Harness.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=64x64:r=25:d=0.4", "-c:v", "libx264", "-preset", "ultrafast",
                            "-profile:v", "baseline", "-bsf:v", "h264_mp4toannexb", "-f", "h264", raw])
        let patched = try MediaForge.h264ClaimingSize(annexB: Data(contentsOf: URL(fileURLWithPath: raw)), width: width, height: height)
        try patched.write(to: URL(fileURLWithPath: raw))
        let maps = (0..<copies).flatMap { _ in ["-map", "0:v"] }
        try Harness.ffmpeg(["-f", "h264", "-framerate", "25", "-i", raw] + maps + ["-c", "copy", f.input + "/" + output])
    }

    static let playlists: [HostileCase] = [
        HostileCase(name: "HLS playlist named .mp4, local-file segment outside the root", file: "hls-local.mp4", spec: .transcode,
                    outcome: refused("hls", "not allowed")) { f in
            let segment = try secretClip(f, "secret.ts", format: ["-f", "mpegts"])
            try put("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile://\(segment)\n#EXTINF:1.0,\n../secret/secret.ts\n#EXT-X-ENDLIST\n",
                    "hls-local.mp4", f)
        },
        HostileCase(name: "HLS playlist named .mp4, http segment", file: "hls-http.mp4", spec: .transcode,
                    outcome: refused("hls", "not allowed")) { f in
            // The port is filled in by the test (a listening socket that must never see a connection).
            try put("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nhttp://127.0.0.1:\(HTTPTrap.port(f))/segment.ts\n#EXT-X-ENDLIST\n",
                    "hls-http.mp4", f)
        },
        HostileCase(name: "ffconcat script", file: "concat.mp4", spec: .transcode, outcome: refused("concat", "not allowed")) { f in
            let target = try secretClip(f, "secret.mp4")
            try put("ffconcat version 1.0\nfile '\(target)'\nfile '../secret/secret.mp4'\n", "concat.mp4", f)
        },
        HostileCase(name: "AVI name carrying an HLS playlist", file: "playlist.avi", spec: .transcode,
                    outcome: refused("hls", "not allowed")) { f in
            let segment = try secretClip(f, "secret-avi.ts", format: ["-f", "mpegts"])
            try put("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nconcat:\(segment)|file://\(f.secretFile)\n#EXT-X-ENDLIST\n",
                    "playlist.avi", f)
        },
        // CVE-2017-9993: the AVI demuxer opens what a GAB2 subtitle packet holds with a nested demuxer. FFmpeg 5.1
        // lets only SRT and ASS through, and our format allowlist is copied to nested demuxers: the playlist is
        // never opened, the subtitle stream is dropped, the video is processed; the secret's atime is checked.
        HostileCase(name: "AVI whose GAB2 subtitle carries an HLS playlist (CVE-2017-9993)", file: "gab2.avi", spec: .transcode,
                    outcome: .succeeds) { f in
            let segment = try secretClip(f, "secret-gab2.ts", format: ["-f", "mpegts"])
            let movie = f.path + "/gab2-base.avi"
            try Harness.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=1", "-c:v", "mpeg4", "-f", "avi", movie])
            let playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile://\(f.secretFile)\n#EXTINF:1.0,\nfile://\(segment)\n#EXT-X-ENDLIST\n"
            let patched = try MediaForge.aviWithGAB2(avi: Data(contentsOf: URL(fileURLWithPath: movie)), file: Data(playlist.utf8))
            try put(patched, "gab2.avi", f)
            // The forge is live: the same packet carrying SRT is opened by the nested demuxer (a subrip stream).
            let control = f.path + "/gab2-srt.avi"
            try MediaForge.aviWithGAB2(avi: Data(contentsOf: URL(fileURLWithPath: movie)),
                                       file: Data("1\n00:00:00,000 --> 00:00:01,000\nhola\n\n".utf8)).write(to: URL(fileURLWithPath: control))
            let probe = try Harness.shell("ffprobe -v error -show_entries stream=codec_name -of csv=p=0 \(control)")
            guard probe.output.contains("subrip") else { throw Failure("the GAB2 forge is not opened by FFmpeg: \(probe.output)") }
        },
        HostileCase(name: "MP4 with an external data reference (alias to a file outside the root)", file: "dref.mp4",
                    spec: .transcode, outcome: refused("external", "data reference")) { f in
            let target = try secretClip(f, "secret-dref.mp4")
            let movie = f.path + "/movie.mp4"
            try Harness.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=1", "-c:v", "libx264", "-preset", "ultrafast", movie])
            let patched = try MediaForge.externalDataReference(mp4: Data(contentsOf: URL(fileURLWithPath: movie)), target: target)
            try put(patched, "dref.mp4", f)
        },
    ]

    /// Legal but odd names: our own open of a path must not interpret them.
    static let names: [HostileCase] = [
        HostileCase(name: "name with %d", file: "clip%d.mp4", spec: .transcode, outcome: .succeeds) { f in
            try Harness.clip(f.input + "/clip%d.mp4")
        },
        HostileCase(name: "name with *", file: "clip*.mp4", spec: .transcode, outcome: .succeeds) { f in
            try Harness.clip(f.input + "/clip*.mp4")
        },
        HostileCase(name: "name with a leading -", file: "-clip.mp4", spec: .transcode, outcome: .succeeds) { f in
            try Harness.clip(f.input + "/-clip.mp4")
        },
        HostileCase(name: "name starting with file:", file: "file:clip.mp4", spec: .transcode, outcome: .succeeds) { f in
            try Harness.clip(f.input + "/file:clip.mp4")
        },
        HostileCase(name: "file: URL of the secret", file: "file:SECRET", spec: .transcode,
                    outcome: refused("does not exist")) { _ in },
        HostileCase(name: "../ out of the input root", file: "../secret/secret.txt", spec: .transcode,
                    outcome: refused("resolves outside")) { _ in },
        HostileCase(name: "symlink out of the input root", file: "link.mp4", spec: .transcode, outcome: refused("resolves outside")) { f in
            try FileManager.default.createSymbolicLink(atPath: f.input + "/link.mp4", withDestinationPath: f.secretFile)
        },
    ]

    static func png(_ name: String, _ data: @escaping @Sendable () -> Data) -> @Sendable (Harness.Folder) throws -> Void {
        { f in
            try FileManager.default.createDirectory(atPath: f.input + "/png", withIntermediateDirectories: true)
            try put(data(), "png/" + name, f)
        }
    }

    /// PNGs as the watermark image (libpng) and as the job's input (FFmpeg's png_pipe).
    static let pngs: [HostileCase] = {
        let variants: [(String, String, @Sendable () -> Data, Outcome, Outcome)] = [
            ("PNG claiming 30000×30000", "huge.png", { PNGForge.claiming(width: 30000, height: 30000) },
             refused("30000×30000", "limit"), refused("30000×30000", "limit")),
            ("PNG claiming 1000000×1", "wide.png", { PNGForge.claiming(width: 1_000_000, height: 1) },
             refused("1000000×1", "limit"), refused("1000000×1", "limit")),
            ("PNG with a bad signature", "badsig.png", { PNGForge.badSignature },
             refused("not a png"), .dead(anyOf: [["not a recognised media file"], ["not allowed"]], retryable: false)),
            ("PNG with a bad CRC", "badcrc.png", { PNGForge.badCRC }, refused("crc"), refused("crc")),
            ("PNG with a bad colour type", "badcolour.png", { PNGForge.badColourType }, refused("color type"), refused("color type")),
            ("PNG with a bad bit depth", "baddepth.png", { PNGForge.badBitDepth }, refused("bit depth"), refused("bit depth")),
            ("PNG without IDAT", "noidat.png", { PNGForge.noIDAT }, refused("corrupt"), refused("corrupt")),
            ("PNG with truncated zlib data", "cutzlib.png", { PNGForge.truncatedZlib }, refused("corrupt"), refused("corrupt")),
            ("PNG with a 2 MiB text chunk", "hugetext.png", { PNGForge.hugeText }, refused("chunk", "limit"), refused("chunk", "limit")),
        ]
        let controls = [
            HostileCase(name: "valid PNG as the watermark (control)", file: "png/valid.png", spec: .watermark, outcome: .succeeds,
                        make: png("valid.png", { PNGForge.valid })),
            // A still is decoded first (so the hostile PNGs below are refused for their cause), then refused for a
            // thumbnails-only job: stills have no thumbnails (issue 15), and the error says so.
            HostileCase(name: "valid PNG as a thumbnails-only input (control)", file: "png/valid.png", spec: .thumbnails,
                        outcome: refused("still image", "no renditions"), make: { _ in }),
        ]
        return controls + variants.flatMap { name, file, data, asWatermark, asInput in
            [HostileCase(name: "\(name) as the watermark", file: "png/" + file, spec: .watermark, outcome: asWatermark,
                         make: png(file, data)),
             HostileCase(name: "\(name) as the input", file: "png/" + file, spec: .thumbnails, outcome: asInput, make: { _ in })]
        }
    }()

    static let limits: [HostileCase] = [
        HostileCase(name: "duration claim over the limit (5 h of 1 fps)", file: "long.mp4", spec: .thumbnails,
                    outcome: refused("duration", "limit")) { f in
            try Harness.ffmpeg(["-f", "lavfi", "-i", "color=c=black:s=16x16:r=1:d=18000", "-c:v", "libx264", "-preset", "ultrafast",
                                "-g", "100000", f.input + "/long.mp4"])
        },
    ]

    /// Run on its own (it takes the attempt's whole timeout, twice): a few KB that make hours of work.
    static let bomb = HostileCase(
        name: "decode-time bomb: two frames 3.9 h apart (hours of constant-rate 1080p output)", file: "bomb.mkv", spec: .fullHD,
        outcome: .dead(anyOf: [["killed", "timeout"]], retryable: true)) { f in
        try Harness.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x120:r=1:d=2", "-vf", "setpts=N*14000/TB",
                            "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "ultrafast", f.input + "/bomb.mkv"])
    }
}
