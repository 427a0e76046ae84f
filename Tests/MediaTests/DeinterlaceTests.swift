import Foundation
import Media
import Job
import Pipeline
import Testing

/// Interlaced sources through the frame core: the ffmpeg CLI makes interlaced clips of moving content, and its
/// `idet` judges our outputs (the product never runs the CLI).
@Suite(.serialized) struct DeinterlaceTests {
    struct Idet: CustomStringConvertible {
        var tff = 0, bff = 0, progressive = 0, undetermined = 0
        var interlaced: Int { tff + bff }
        var description: String { "TFF \(tff) BFF \(bff) progressive \(progressive) undetermined \(undetermined)" }
    }

    /// The CLI's `idet` multi-frame counts over a whole file.
    static func idet(_ path: String) throws -> Idet {
        let r = try Support.run("/usr/bin/ffmpeg", ["-hide_banner", "-nostats", "-i", path, "-an", "-vf", "idet", "-f", "null", "-"])
        guard let line = r.stderr.split(separator: "\n").first(where: { $0.contains("Multi frame detection") }) else {
            throw TestFailure("no idet result for \(path): \(r.stderr.suffix(500))")
        }
        func count(_ key: String) -> Int {
            guard let range = line.range(of: key + ":") else { return -1 }
            return Int(line[range.upperBound...].drop(while: { $0 == " " }).prefix(while: \.isNumber)) ?? -1
        }
        return Idet(tff: count("TFF"), bff: count("BFF"), progressive: count("Progressive"), undetermined: count("Undetermined"))
    }

    /// 2 s of moving test pattern, woven into 25 interlaced frames a second (top field first) from 50 p.
    static func interlacedSource(_ dir: URL, codec: String = "h264", size: String = "720x576") throws -> String {
        let pattern = ["-f", "lavfi", "-i", "testsrc2=s=\(size):r=50:d=2", "-vf", "interlace=scan=tff,format=yuv420p"]
        switch codec {
        case "mpeg2":
            // A broadcast archive: MPEG-2 in a transport stream.
            let path = dir.appendingPathComponent("interlaced.ts").path
            try Support.ffmpeg(pattern + ["-c:v", "mpeg2video", "-flags", "+ildct+ilme", "-top", "1", "-b:v", "8M", path])
            return path
        case "lying":
            // Combed pictures encoded as progressive frames: the flags lie.
            let path = dir.appendingPathComponent("combed-progressive.mp4").path
            try Support.ffmpeg(pattern + ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", path])
            return path
        default:
            let path = dir.appendingPathComponent("interlaced.mp4").path
            try Support.ffmpeg(pattern + ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-flags", "+ildct+ilme",
                                         "-x264opts", "tff=1", path])
            return path
        }
    }

    static func run(_ input: String, _ dir: URL, renditions: [(String, DeinterlaceRate)] = [("out", .frame)],
                    width: Int = 640, height: Int = 360, deinterlace: Bool = true) throws -> CoreReport {
        let plans = renditions.map { name, rate in
            // A rendition named "native" keeps the 720×576 of the test sources.
            let (w, h) = name == "native" ? (720, 576) : (width, height)
            var p = RenditionPlan(name: name, width: w, height: h, crf: 18, preset: "ultrafast",
                                  outputPath: dir.appendingPathComponent(name + ".mp4").path)
            p.deinterlace = rate
            return p
        }
        var options = CoreOptions()
        options.deinterlace = deinterlace
        return try FrameCore(input: input, renditions: plans, options: options).run()
    }

    static func frames(_ path: String) throws -> (count: Int, rate: String) {
        let v = try #require(Support.stream(try Support.ffprobe(path, extra: ["-count_frames"]), "video"))
        return (Int(v["nb_read_frames"] as? String ?? "") ?? -1, v["r_frame_rate"] as? String ?? "")
    }

    /// Distinct decoded pictures in a file: a moving pattern has no two alike, so a repeated or dropped
    /// frame (timestamps gone wrong) shows as fewer distinct pictures than frames.
    static func distinctPictures(_ path: String) throws -> (frames: Int, distinct: Int) {
        let r = try Support.run("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", path, "-an", "-f", "framemd5", "-"])
        let hashes = r.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: ",").last ?? "" }
        return (hashes.count, Set(hashes).count)
    }

    @Test(arguments: ["h264", "mpeg2"])
    func interlacedSourceComesOutProgressive(codec: String) throws {
        let dir = try Support.temporaryDirectory()
        let input = try Self.interlacedSource(dir, codec: codec)
        let source = try Self.idet(input)
        #expect(source.tff > 40 && source.progressive == 0, "source: \(source)")
        let info = try InputContainer(path: input).info()
        #expect(info.streams.first { $0.type == .video }?.fieldOrder == "tff")

        // Before (deinterlacing off), at the source's size: the output keeps its combs (scaled down, they smear).
        let before = try Self.run(input, dir, renditions: [("before", .frame)], width: 720, height: 576, deinterlace: false)
        #expect(before.scan == nil)
        let combed = try Self.idet(dir.appendingPathComponent("before.mp4").path)
        #expect(combed.interlaced > combed.progressive, "without deinterlacing: \(combed)")

        let report = try Self.run(input, dir, renditions: [("native", .frame), ("out", .frame)])
        #expect(report.scan == "interlaced (flags)")
        let native = try Self.idet(dir.appendingPathComponent("native.mp4").path)
        let out = dir.appendingPathComponent("out.mp4").path
        let after = try Self.idet(out)
        print("deinterlace \(codec) 720x576i25: source \(source); before (720x576) \(combed); after (720x576) \(native); after (640x360) \(after)")
        for d in [native, after] { #expect(d.progressive >= 45 && d.interlaced <= 2, "after: \(d)") }
        let f = try Self.frames(out)
        #expect(f.count == 50 && f.rate == "25/1", "\(f)")
        let pictures = try Self.distinctPictures(out)
        #expect(pictures.distinct == pictures.frames, "every source frame once: \(pictures)")
    }

    @Test func combedSourceFlaggedProgressiveIsDetected() throws {
        let dir = try Support.temporaryDirectory()
        let input = try Self.interlacedSource(dir, codec: "lying")
        let info = try InputContainer(path: input).info()
        #expect(info.streams.first { $0.type == .video }?.fieldOrder == "progressive")
        #expect(try Self.idet(input).tff > 40)
        let report = try Self.run(input, dir)
        #expect(report.scan == "interlaced (combing, tff)")
        let combed = try Self.run(input, dir, renditions: [("before", .frame)], width: 720, height: 576, deinterlace: false)
        #expect(combed.scan == nil)
        #expect(try Self.idet(dir.appendingPathComponent("before.mp4").path).tff > 40)
        let after = try Self.idet(dir.appendingPathComponent("out.mp4").path)
        print("deinterlace combed-but-progressive source: after \(after)")
        #expect(after.progressive >= 45 && after.interlaced <= 2, "after: \(after)")
    }

    /// A progressive source never meets a filter: the output is the same, frame for frame, as with
    /// deinterlacing off.
    @Test func progressiveSourceIsUntouched() throws {
        let dir = try Support.temporaryDirectory()
        let input = dir.appendingPathComponent("progressive.mp4").path
        try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=2", "-c:v", "libx264", "-preset", "ultrafast", input])
        let off = try Self.run(input, dir, renditions: [("off", .frame)], width: 480, height: 270, deinterlace: false)
        let on = try Self.run(input, dir, renditions: [("on", .field)], width: 480, height: 270)
        #expect(on.scan == "progressive")
        #expect(on.renditions[0].frames == off.renditions[0].frames && off.renditions[0].frames == 50)
        func md5s(_ name: String) throws -> [Substring] {
            let r = try Support.run("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", dir.appendingPathComponent(name).path,
                                                        "-f", "framemd5", "-"])
            return r.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: ",").last ?? "" }
        }
        let a = try md5s("off.mp4"), b = try md5s("on.mp4")
        #expect(a.count == 50 && a == b, "decoded frames differ (\(a.count) vs \(b.count))")
    }

    /// A rendition asking for field rate gets one frame per field (50 fps from 25i); a frame-rate rendition of the
    /// same run keeps 25 fps and takes the first field of each frame. Both come out progressive.
    @Test func fieldRateRenditionDoublesTheFrameRate() throws {
        let dir = try Support.temporaryDirectory()
        let input = try Self.interlacedSource(dir)
        let report = try Self.run(input, dir, renditions: [("frames", .frame), ("fields", .field)])
        #expect(report.renditions.map(\.frameRate) == [Rational(25, 1), Rational(50, 1)])
        let frames = try Self.frames(dir.appendingPathComponent("frames.mp4").path)
        let fields = try Self.frames(dir.appendingPathComponent("fields.mp4").path)
        #expect(frames.count == 50 && frames.rate == "25/1", "\(frames)")
        #expect(fields.count == 100 && fields.rate == "50/1", "\(fields)")
        for name in ["frames.mp4", "fields.mp4"] {
            let pictures = try Self.distinctPictures(dir.appendingPathComponent(name).path)
            #expect(pictures.distinct == pictures.frames, "\(name): every frame or field once: \(pictures)")
            let d = try Self.idet(dir.appendingPathComponent(name).path)
            print("deinterlace field-rate run, \(name): \(d)")
            #expect(d.interlaced <= 3 && d.progressive > d.undetermined, "\(name): \(d)")
        }
        // fps_max still caps the doubled rate.
        let capped = try FrameCore(input: input, renditions: [{
            var p = RenditionPlan(name: "capped", width: 320, height: 180, preset: "ultrafast", fpsMax: 30,
                                  outputPath: dir.appendingPathComponent("capped.mp4").path)
            p.deinterlace = .field
            return p
        }()], options: CoreOptions()).run()
        #expect(capped.renditions[0].frameRate == Rational(25, 1))
    }
}
