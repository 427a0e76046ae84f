import Job
import Foundation
import Media
@testable import Pipeline
@testable import Runner
import Testing
import Verify

/// Small clips made with the ffmpeg CLI for the platform findings (160×90 test pattern, a tone).
enum FindingInputs {
    static let dir: Result<String, Problem> = {
        do { return .success(try Fixtures.scratch("findings")) } catch { return .failure(Problem("\(error)")) }
    }()

    static func clip(_ name: String, seconds: Double, fps: Int, size: String = "160x90", audio: Bool = true) throws -> String {
        let path = try dir.get() + "/" + name + ".mp4"
        if FileManager.default.fileExists(atPath: path) { return path }
        var args = ["-f", "lavfi", "-i", "testsrc2=s=\(size):r=\(fps):d=\(seconds)"]
        if audio { args += ["-f", "lavfi", "-i", "sine=f=440:r=48000:d=\(seconds)", "-map", "0:v", "-map", "1:a", "-c:a", "aac", "-ac", "2"] }
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path]
        try Fixtures.ffmpeg(args)
        return path
    }

    static func job(_ input: String, template: String? = nil, renditions: [[String: Any]]? = nil) throws -> ResolvedJob {
        var object: [String: Any] = ["version": 1, "input": (input as NSString).lastPathComponent]
        if let template { object["template"] = template }
        if let renditions { object["renditions"] = renditions }
        return try JobSpecLoader(jobsDirectory: Fixtures.repo + "/jobs", inputRoot: (input as NSString).deletingLastPathComponent)
            .resolve(object: JSONValue(json: try JSONSerialization.data(withJSONObject: object))!.object!)
    }
}

@Suite(.serialized) struct PlatformFindingsTests {
    /// Any ordinary upload — 0.5 s to 30 min, 10 to 60 fps, landscape, portrait (stored or rotated), square, odd
    /// aspects and pixel shapes, with or without audio — planned through the real social template: the frame
    /// rate never breaks a platform rule (fps_min lifts it), the size and audio never do, and the only findings
    /// are durations a platform refuses (Reels under 3 s or over 15 min, X over 140 s). Nothing is encoded.
    @Test func socialTemplatePlansEveryOrdinaryUploadWithOnlyDurationFindings() throws {
        let social = try FindingInputs.job(Fixtures.repo + "/samples/campaign-16x9.mp4", template: "social").spec
        let rates: [Rational] = [.init(10, 1), .init(12, 1), .init(15, 1), .init(24000, 1001), .init(25, 1), .init(30000, 1001),
                                 .init(30, 1), .init(50, 1), .init(60000, 1001), .init(60, 1)]
        // (coded width, coded height, sample aspect, rotation)
        let pictures: [(Int, Int, Rational?, Int)] = [(1920, 1080, nil, 0), (1080, 1920, nil, 0), (1920, 1080, nil, 90), (1080, 1080, nil, 0),
                                                      (640, 480, nil, 0), (3840, 1600, nil, 0), (720, 576, .init(16, 15), 0), (160, 90, nil, 270)]
        let durations: [Double] = [0.5, 2, 3, 10, 140, 145, 15 * 60 + 1, 30 * 60]
        var checked = 0
        for rate in rates {
            for (w, h, sar, rotation) in pictures {
                var info = StreamInfo(index: 0, type: .video, codec: "h264", timeBase: .init(1, 90_000))
                info.width = w
                info.height = h
                info.sampleAspectRatio = sar
                info.rotation = rotation
                for duration in durations {
                    for audio in [PlannedAudio.output, nil] {
                        for r in social.renditions {
                            let platform = try #require(r.platform)
                            let spec = try #require(PlatformSpec.named(platform))
                            let planned = try PlatformPreflight.plan(JobRunner.plan(r, outputPath: ""), source: info, sourceRate: rate,
                                                                     duration: duration, audio: audio)
                            let rules = PlatformCheck.check(planned: planned, against: spec).map(\.rule)
                            let refusedLength = spec.duration.map { !$0.contains(duration) } ?? false
                            #expect(rules == (refusedLength ? ["duration"] : []),
                                    "\(r.name) (\(platform)) for \(w)×\(h) rot \(rotation) at \(rate) fps, \(duration) s: \(rules)")
                            if let range = spec.frameRate {
                                #expect(range.lowerBound - 0.01 <= planned.frameRate && planned.frameRate <= range.upperBound + 0.01)
                            }
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked == rates.count * pictures.count * durations.count * 2 * social.renditions.count)
    }

    /// A strict rendition whose platform the input cannot meet fails from the probe alone: in milliseconds,
    /// as a spec violation (final), naming the rendition, the platform and the rule, with nothing written.
    @Test func strictRenditionFailsBeforeEncoding() throws {
        let teaser = try FindingInputs.clip("teaser", seconds: 2, fps: 30)
        var job = try FindingInputs.job(teaser, template: "social")
        job.spec.renditions[0].platformCheck = .fail  // story, instagram-reels: 3 s at least
        let parent = try Fixtures.scratch("strict")
        let out = parent + "/out"
        let started = Date()
        let error = #expect(throws: PipelineError.self) {
            _ = try JobRunner.run(job, outputDirectory: out, options: CoreOptions(), platforms: PlatformCheck.rules)
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < 0.5, "took \(seconds) s")
        print("strict rendition refused before encoding in \(String(format: "%.4f", seconds)) s")
        let text = error.map { "\($0)" } ?? ""
        #expect(error?.isSpecViolation == true)
        #expect(text.contains("refused before encoding") && text.contains("story: instagram-reels duration: 2.0"), "\(text)")
        #expect(error?.platformFindings.map(\.rendition) == ["story"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
    }

    /// `fps_min` repeats frames: a 15 fps clip comes out at 30 fps with every frame twice, as long as before and
    /// with its audio, and a strict Reels rendition passes (its frame rate is decided from the mapped rate).
    @Test func fpsMinLiftsALowFrameRateAndAStrictRenditionPasses() throws {
        let slideshow = try FindingInputs.clip("slideshow", seconds: 3.2, fps: 15)
        let job = try FindingInputs.job(slideshow, renditions: [
            ["name": "story", "width": 540, "height": 960, "fit": "contain", "preset": "ultrafast", "platform": "instagram-reels",
             "fps_min": 23, "platform_check": "fail"],
            ["name": "plain", "width": 160, "height": 90, "preset": "ultrafast"],
        ])
        let out = try Fixtures.scratch("fpsmin") + "/out"
        let result = try JobRunner.run(job, outputDirectory: out, options: CoreOptions(), platforms: PlatformCheck.rules)
        let story = try #require(result.outputs.first { $0.name == "story" })
        #expect(story.platform == PlatformFinding(name: "instagram-reels", violations: []), "\(String(describing: story.platform))")
        #expect(result.outputs.first { $0.name == "plain" }?.platform == nil)
        let lifted = try InputContainer(path: out + "/story.mp4").info()
        let source = try InputContainer(path: out + "/plain.mp4").info()
        #expect(lifted.video?.averageFrameRate?.double ?? 0 == 30)
        #expect(source.video?.averageFrameRate?.double ?? 0 == 15)
        let frames = try #require(lifted.video?.frameCount), sourceFrames = try #require(source.video?.frameCount)
        #expect(abs(frames - 2 * sourceFrames) <= 1, "\(frames) frames at 30 fps for \(sourceFrames) at 15")
        let videoDuration = try #require(lifted.video?.duration), audioDuration = try #require(lifted.audio?.duration)
        #expect(abs(videoDuration - 3.2) < 0.05 && abs(audioDuration - videoDuration) < 0.05, "\(videoDuration) / \(audioDuration)")
    }

    /// A rule only the encoded file decides (here YouTube's 5 Mb/s ceiling for 720p and under: noise at CRF 4) fails
    /// a strict rendition after encoding; nothing is published, not even result.json.
    @Test func strictOutputOnlyRuleFailsAfterEncodingAndPublishesNothing() throws {
        let path = try FindingInputs.dir.get() + "/noise.mp4"
        try Fixtures.ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=0.6,noise=alls=100:allf=t", "-c:v", "libx264",
                             "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p", path])
        let clip = path
        let rendition: [String: Any] = ["name": "yt", "width": 640, "height": 360, "crf": 4, "preset": "veryfast", "platform": "youtube"]
        let parent = try Fixtures.scratch("strict-after")
        var strict = rendition
        strict["platform_check"] = "fail"
        let error = #expect(throws: PipelineError.self) {
            _ = try JobRunner.run(try FindingInputs.job(clip, renditions: [strict]), outputDirectory: parent + "/out",
                                  options: CoreOptions(), platforms: PlatformCheck.rules)
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("yt: youtube bitrate"), "\(text)")
        #expect(error?.isSpecViolation == true && !text.contains("before encoding"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)

        // The same rendition reporting: published, with the finding.
        let result = try JobRunner.run(try FindingInputs.job(clip, renditions: [rendition]), outputDirectory: parent + "/out",
                                       options: CoreOptions(), platforms: PlatformCheck.rules)
        #expect(result.outputs.first?.platform?.violations.map(\.rule) == ["bitrate"])
        #expect(FileManager.default.fileExists(atPath: parent + "/out/result.json"))
    }

    /// `.none` cannot stand in for the rules of a job that names a platform.
    @Test func noRulesRefuseAJobNamingAPlatform() throws {
        let job = try FindingInputs.job(try FindingInputs.clip("teaser", seconds: 2, fps: 30), template: "social")
        let error = #expect(throws: JobSpecError.self) {
            _ = try JobRunner.run(job, outputDirectory: try Fixtures.scratch("none") + "/out", options: CoreOptions(), platforms: .none)
        }
        #expect(error?.field == "renditions[0].platform")
    }
}
