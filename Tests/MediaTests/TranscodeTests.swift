import Foundation
import Media
import Job
import Pipeline
import Testing

/// `transcode` end to end: every property the issue lists, cross-checked with ffprobe.
@Suite(.serialized) struct TranscodeTests {
    /// Transcode through the library (what the command calls) and return the output path.
    static func transcode(_ input: String, width: Int? = nil, height: Int? = nil, name: String = "out.mp4") throws -> String {
        let dir = try Support.temporaryDirectory()
        let out = dir.appendingPathComponent(name).path
        var request = TranscodeRequest(input: input, output: out, width: width, height: height)
        request.preset = "superfast"
        _ = try Transcoder.run(request, options: CoreOptions())
        #expect(Support.files(in: dir) == [name], "only the output is left: \(Support.files(in: dir))")
        return out
    }

    /// The properties every output must have.
    static func checkDeliveryProperties(_ path: String, expectAudio: Bool = true, sourceVideoDuration: Double? = nil,
                                        frameRate: Double = 30, tolerance: Double? = nil) throws {
        let probe = try Support.ffprobe(path)
        let v = try #require(Support.stream(probe, "video"))
        #expect(v["codec_name"] as? String == "h264")
        #expect(v["profile"] as? String == "High")
        #expect(v["pix_fmt"] as? String == "yuv420p")
        #expect(v["field_order"] == nil || v["field_order"] as? String == "progressive")
        let w = v["width"] as! Int, h = v["height"] as! Int
        #expect(w % 2 == 0 && h % 2 == 0)
        let sar = v["sample_aspect_ratio"] as? String
        #expect(sar == nil || sar == "1:1")
        let layout = try #require(MP4Layout.read(path: path))
        #expect(layout.moovBeforeMdat, "moov before mdat")
        #expect(!layout.hasEditList, "no edit lists")
        // A keyframe at least every 2 s.
        let keys = try Support.keyframeTimes(path)
        let vDuration = try #require(Support.double(v["duration"]))
        #expect(keys.first == 0)
        let gaps = zip(keys.dropFirst(), keys).map { $0 - $1 } + [vDuration - (keys.last ?? 0)]
        #expect(gaps.allSatisfy { $0 <= 2.0 + 1e-6 }, "keyframe gaps \(gaps)")
        if let source = sourceVideoDuration {
            #expect(abs(vDuration - source) <= (tolerance ?? 1 / frameRate) + 1e-3, "video \(vDuration) s vs source \(source) s")
        }
        let a = Support.stream(probe, "audio")
        if expectAudio {
            let a = try #require(a)
            #expect(a["codec_name"] as? String == "aac")
            #expect(a["profile"] as? String == "LC")
            #expect(a["sample_rate"] as? String == "48000")
            #expect(a["channels"] as? Int == 2)
            let aDuration = try #require(Support.double(a["duration"]))
            #expect(abs(aDuration - vDuration) <= 0.05, "audio \(aDuration) s vs video \(vDuration) s")
            #expect(Support.double(a["start_time"]) == 0)
            #expect(Support.double(v["start_time"]) == 0)
        } else {
            #expect(a == nil)
        }
    }

    @Test func campaignSampleKeepsEveryProperty() throws {
        let source = Support.sample("campaign-16x9.mp4")
        let out = try Self.transcode(source)
        try Self.checkDeliveryProperties(out, sourceVideoDuration: 6.0)
        let v = try #require(Support.stream(try Support.ffprobe(out), "video"))
        #expect(v["width"] as? Int == 1280 && v["height"] as? Int == 720)
        #expect(v["nb_frames"] as? String == "180")
    }

    @Test func widthOnlyKeepsDisplayAspect() throws {
        let out = try Self.transcode(Support.sample("campaign-16x9.mp4"), width: 640)
        let v = try #require(Support.stream(try Support.ffprobe(out), "video"))
        #expect(v["width"] as? Int == 640 && v["height"] as? Int == 360)
        let out2 = try Self.transcode(Support.sample("campaign-16x9.mp4"), height: 480)
        let v2 = try #require(Support.stream(try Support.ffprobe(out2), "video"))
        #expect(v2["width"] as? Int == 854 && v2["height"] as? Int == 480)
    }

    @Test func portraitSampleComesOutUprightNineBySixteen() throws {
        let out = try Self.transcode(Support.sample("portrait-9x16-rotated.mp4"))
        try Self.checkDeliveryProperties(out, sourceVideoDuration: 4.0)
        let v = try #require(Support.stream(try Support.ffprobe(out), "video"))
        #expect(v["width"] as? Int == 720 && v["height"] as? Int == 1280)
        // The output carries no rotation of its own.
        #expect(try InputContainer(path: out).info().video?.rotation == 0)
        // Red marker at the top-left, green top-right, blue bottom-right of the upright picture.
        let png = out + ".png"
        try Support.ffmpeg(["-i", out, "-frames:v", "1", "-vf", "scale=72:128:flags=area", "-pix_fmt", "rgb24", "-f", "rawvideo", png])
        let rgb = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
        func pixel(_ x: Int, _ y: Int) -> (Int, Int, Int) {
            let i = (y * 72 + x) * 3
            return (Int(rgb[i]), Int(rgb[i + 1]), Int(rgb[i + 2]))
        }
        let tl = pixel(3, 3), tr = pixel(68, 3), br = pixel(68, 124)
        #expect(tl.0 > 200 && tl.1 < 60 && tl.2 < 60, "top-left \(tl) should be red")
        #expect(tr.1 > 200 && tr.0 < 60 && tr.2 < 60, "top-right \(tr) should be green")
        #expect(br.2 > 200 && br.0 < 60 && br.1 < 60, "bottom-right \(br) should be blue")
    }

    @Test(arguments: [
        ("mono 22.05 kHz", ["-f", "lavfi", "-i", "sine=f=440:r=22050:d=3", "-ac", "1"]),
        ("5.1 44.1 kHz", ["-f", "lavfi", "-i", "sine=f=440:r=44100:d=3", "-af", "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0"]),
    ])
    func audioLayoutsBecomeStereo48k(name: String, audio: [String]) throws {
        let dir = try Support.temporaryDirectory()
        let input = dir.appendingPathComponent("in.mp4").path
        try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=3"] + audio +
                           ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", input])
        let inProbe = try Support.ffprobe(input)
        let inAudio = try #require(Support.stream(inProbe, "audio"))
        #expect(inAudio["channels"] as? Int == (name.hasPrefix("mono") ? 1 : 6))
        let out = try Self.transcode(input)
        try Self.checkDeliveryProperties(out, sourceVideoDuration: 3.0, frameRate: 25)
    }

    @Test(arguments: [
        ("no audio", ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-c:v", "libx264", "-preset", "ultrafast"], 320, 240, false),
        ("odd dimensions", ["-f", "lavfi", "-i", "testsrc2=s=321x241:r=25:d=2", "-f", "lavfi", "-i", "sine=d=2",
                            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", "-shortest"], 320, 240, true),
        ("non-square pixels", ["-f", "lavfi", "-i", "testsrc2=s=720x576:r=25:d=2", "-f", "lavfi", "-i", "sine=d=2",
                               "-vf", "setsar=64/45", "-c:v", "libx264", "-preset", "ultrafast", "-shortest"], 1024, 576, true),
        ("10-bit", ["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=2", "-f", "lavfi", "-i", "sine=d=2",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-shortest"], 640, 360, true),
        ("4:2:2", ["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=2", "-f", "lavfi", "-i", "sine=d=2",
                   "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv422p", "-shortest"], 640, 360, true),
    ])
    func awkwardSources(name: String, args: [String], width: Int, height: Int, audio: Bool) throws {
        let dir = try Support.temporaryDirectory()
        let input = dir.appendingPathComponent("in.mp4").path
        try Support.ffmpeg(args + [input])
        let out = try Self.transcode(input)
        try Self.checkDeliveryProperties(out, expectAudio: audio, sourceVideoDuration: 2.0, frameRate: 25)
        let v = try #require(Support.stream(try Support.ffprobe(out), "video"))
        #expect(v["width"] as? Int == width && v["height"] as? Int == height, "\(name): \(v["width"] ?? 0)×\(v["height"] ?? 0)")
    }

    @Test func variableFrameRateBecomesConstant() throws {
        let dir = try Support.temporaryDirectory()
        let input = dir.appendingPathComponent("vfr.mkv").path
        // Frames at irregular times: 30 fps for 1 s, then 10 fps for 2 s.
        try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=3", "-f", "lavfi", "-i", "sine=d=3",
                            "-vf", "select='lt(t,1)+not(mod(n,3))'", "-fps_mode", "vfr",
                            "-c:v", "libx264", "-preset", "ultrafast", "-shortest", input])
        let out = try Self.transcode(input)
        // The source's last frame (at 2.9 s) may be given 1/30 s or its 0.1 s spacing: one source interval.
        try Self.checkDeliveryProperties(out, sourceVideoDuration: 3.0, tolerance: 0.1)
        let v = try #require(Support.stream(try Support.ffprobe(out), "video"))
        let frames = Int(v["nb_frames"] as? String ?? "") ?? 0
        let duration = Support.double(v["duration"]) ?? 0
        #expect(abs(Double(frames) / duration - 30) < 0.5, "\(frames) frames over \(duration) s")
    }
}
