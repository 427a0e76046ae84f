import Foundation
import Media
import Job
import Pipeline
import Testing

/// The end of a variable-frame-rate clip: the last frame keeps its display time, so the output's video lasts as
/// long as the source's (a phone clip of 3.021 s used to come out 2.933 s).
@Suite(.serialized) struct VFREndTests {
    static func videoDuration(_ path: String) throws -> Double {
        let v = try #require(Support.stream(try Support.ffprobe(path), "video"))
        return try #require(Support.double(v["duration"]))
    }

    static func transcode(_ input: String, _ dir: URL) throws -> (CoreReport, String) {
        let out = dir.appendingPathComponent("out.mp4").path
        var request = TranscodeRequest(input: input, output: out)
        request.preset = "ultrafast"
        return (try Transcoder.run(request, options: CoreOptions()), out)
    }

    /// Irregular frame times (30 fps for 1.5 s, then every 4th frame), the last frame shown for 88 ms, with
    /// audio in MP4 and MOV (the demuxer gives the last frame its duration), video only in Matroska (it gives the
    /// last frame a default duration of 53 ms, the average: only the container's duration says where it ends).
    /// Slots are rounded to the nearest, so the output ends within half an output frame of the source.
    @Test(arguments: ["mp4", "mov", "mkv"])
    func longLastFrameKeepsItsTime(container: String) throws {
        let dir = try Support.temporaryDirectory()
        let vfr = dir.appendingPathComponent("vfr-short-end.\(container)").path
        let audioArgs = container == "mkv" ? ["-an"] : ["-f", "lavfi", "-i", "sine=d=3.021", "-c:a", "aac"]
        try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=3.021"] + audioArgs
                           + ["-vf", "select='lt(n,45)+not(mod(n,4))'", "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", vfr])
        // The last frame (at 2.933 s) is shown until 3.021 s: a phone's long last frame.
        let input = dir.appendingPathComponent("vfr.\(container)").path
        try Support.ffmpeg(["-i", vfr, "-c", "copy", "-bsf:v", "setts=duration='if(gte(PTS*TB,2.93),0.088/TB,DURATION)'", input])
        let source = container == "mkv" ? try #require(Support.double((try Support.ffprobe(input))["format"].flatMap { ($0 as? [String: Any])?["duration"] }))
                                         : try Self.videoDuration(input)
        #expect(abs(source - 3.021) < 0.002, "source video \(source) s")
        let (report, out) = try Self.transcode(input, dir)
        let made = try Self.videoDuration(out)
        let rate = report.renditions[0].frameRate.double
        print("VFR end (\(container)): source video \(source) s → output \(made) s at \(rate) fps")
        #expect(abs(made - source) <= 0.5 / rate + 1e-3, "output video \(made) s vs source \(source) s")
        guard container != "mkv" else { return }
        let a = try #require(Support.stream(try Support.ffprobe(out), "audio"))
        let audio = try #require(Support.double(a["duration"]))
        #expect(abs(audio - made) <= 0.05, "audio \(audio) s vs video \(made) s")
    }

    /// Constant-rate sources keep exactly their frame count (MP4 with B-frames, MKV without stream durations).
    @Test(arguments: [("mp4", 25, 2.0, 50), ("mkv", 25, 2.0, 50), ("mp4", 30, 3.0, 90), ("mkv", 30, 3.0, 90)])
    func constantRateFrameCountIsUnchanged(container: String, fps: Int, seconds: Double, frames: Int) throws {
        let dir = try Support.temporaryDirectory()
        let input = dir.appendingPathComponent("cfr.\(container)").path
        try Support.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=320x240:r=\(fps):d=\(seconds)", "-f", "lavfi", "-i", "sine=d=\(seconds)",
                            "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", input])
        let (report, out) = try Self.transcode(input, dir)
        #expect(report.renditions[0].frames == Int64(frames))
        let v = try #require(Support.stream(try Support.ffprobe(out), "video"))
        #expect(Int(v["nb_frames"] as? String ?? "") == frames)
    }
}
