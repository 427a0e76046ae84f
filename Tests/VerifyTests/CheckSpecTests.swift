import Foundation
import Job
import Pipeline
@testable import Runner
import Testing
import Verify

/// Inputs made with the ffmpeg CLI: a 540×960 (9:16) 3.2 s clip that meets every platform's spec but the
/// Instagram feed's aspect, and variants that each break one rule.
enum SpecInputs {
    static let dir: Result<String, Problem> = {
        do { return .success(try Fixtures.scratch("spec")) } catch { return .failure(Problem("\(error)")) }
    }()

    /// Make `name` (once) from a lavfi picture and stereo tone with the given changes to the good settings.
    static func make(_ name: String, video: String = "testsrc2=s=540x960:r=30:d=3.2", audioRate: Int? = 48_000,
                     extra: [String] = [], faststart: Bool = true) throws -> String {
        let path = try dir.get() + "/" + name + ".mp4"
        if FileManager.default.fileExists(atPath: path) { return path }
        var args = ["-f", "lavfi", "-i", video]
        if let audioRate { args += ["-f", "lavfi", "-i", "sine=f=440:r=\(audioRate):d=3.2"] }
        args += ["-map", "0:v"] + (audioRate == nil ? [] : ["-map", "1:a", "-c:a", "aac", "-ac", "2", "-ar", String(audioRate!), "-shortest"])
        args += ["-c:v", "libx264", "-preset", "superfast", "-profile:v", "high", "-pix_fmt", "yuv420p"] + extra
        args += ["-use_editlist", "0"] + (faststart ? ["-movflags", "+faststart"] : []) + [path]
        try Fixtures.ffmpeg(args)
        return path
    }

    static func rules(_ path: String, _ platform: String) throws -> Set<String> {
        Set(try PlatformCheck.check(path: path, platform: platform).map(\.rule))
    }
}

@Suite(.serialized) struct CheckSpecTests {
    static let platforms = PlatformNames.all

    @Test func everyPlatformHasASpec() {
        #expect(PlatformSpec.all.map(\.name) == Self.platforms)
    }

    @Test func goodClipPassesEveryPlatformButTheFeedsAspect() throws {
        let good = try SpecInputs.make("good")
        for p in Self.platforms {
            #expect(try SpecInputs.rules(good, p) == (p == "instagram-feed" ? ["aspect"] : []), "\(p)")
        }
    }

    /// Each crafted violation is reported by name on the platforms with that rule, and only there.
    @Test(arguments: [
        ("fps120", ["frame-rate"], ["instagram-reels", "instagram-feed", "x", "tiktok"]),
        ("yuv444p", ["pixel-format"], ["instagram-reels", "instagram-feed", "youtube", "x"]),
        ("moov-last", ["moov-first"], ["instagram-reels", "instagram-feed", "youtube"]),
        ("audio96k", ["sample-rate"], ["instagram-reels", "instagram-feed"]),
        ("video30mbps", ["bitrate"], ["instagram-reels", "instagram-feed", "youtube", "x"]),
    ])
    func craftedViolationIsNamed(_ name: String, _ rules: [String], _ platforms: [String]) throws {
        let good = try SpecInputs.make("good")
        let file: String
        switch name {
        case "fps120": file = try SpecInputs.make(name, video: "testsrc2=s=540x960:r=120:d=3.2")
        case "yuv444p": file = try SpecInputs.make(name, extra: ["-profile:v", "high444", "-pix_fmt", "yuv444p"])
        case "moov-last": file = try SpecInputs.make(name, faststart: false)
        case "audio96k": file = try SpecInputs.make(name, audioRate: 96_000)
        default:
            // Noise that x264 cannot compress, held to 30 Mb/s.
            file = try SpecInputs.make(name, video: "testsrc2=s=540x960:r=30:d=3.2,noise=alls=80:allf=t",
                                       extra: ["-b:v", "30M", "-maxrate", "30M", "-bufsize", "30M"])
        }
        for p in Self.platforms {
            let added = try SpecInputs.rules(file, p).subtracting(try SpecInputs.rules(good, p))
            let expected = platforms.contains(p) ? Set(rules) : []
            // A High 4:4:4 stream is also the wrong profile where High is required.
            let extra: Set<String> = name == "yuv444p" && ["youtube", "x"].contains(p) ? ["profile"] : []
            #expect(added == expected.union(extra), "\(name) on \(p)")
        }
    }

    @Test func twentyMinutesIsTooLongForX() throws {
        // Cheap: 160×90 at 2 fps, no audio.
        let long = try SpecInputs.make("twenty-minutes", video: "testsrc2=s=160x90:r=2:d=1200", audioRate: nil)
        let violations = try PlatformCheck.check(path: long, platform: "x")
        #expect(violations.map(\.rule) == ["duration"], "\(violations)")
        #expect(violations.first?.detail.contains("1200.000 s") == true, "\(violations)")
        #expect(try SpecInputs.rules(long, "youtube").isEmpty)
    }

    @Test func checkSpecCommandListsViolationsAndExitsNonZero() throws {
        let late = try SpecInputs.make("moov-last", faststart: false)
        let bad = try Fixtures.execute(Fixtures.mediaworker, ["check-spec", late, "--platform", "youtube"])
        #expect(bad.status == 1)
        #expect(bad.output.contains("youtube moov-first"), "\(bad.output)")
        let good = try Fixtures.execute(Fixtures.mediaworker, ["check-spec", try SpecInputs.make("good"), "--platform", "youtube"])
        #expect(good.status == 0, "\(good.output)\(good.errors)")
        let unknown = try Fixtures.execute(Fixtures.mediaworker, ["check-spec", late, "--platform", "myspace"])
        #expect(unknown.status != 0 && unknown.errors.contains("--platform"), "\(unknown.errors)")
    }

    @Test func jobNamingAPlatformRecordsViolationsAsAFindingAndSucceeds() throws {
        // A 540×540 rendition cannot be a 9:16 Reel: the output is published all the same, with the finding.
        let samples = Fixtures.repo + "/samples"
        let job = try JobSpecLoader(jobsDirectory: Fixtures.repo + "/jobs", inputRoot: samples).resolve(object: [
            "version": 1, "input": "campaign-16x9.mp4",
            "renditions": [["name": "square", "width": 540, "height": 540, "preset": "superfast", "platform": "instagram-reels"]],
        ])
        let out = try Fixtures.scratch("job") + "/out"
        let returned = try JobRunner.run(job, outputDirectory: out, options: CoreOptions(), platforms: PlatformCheck.rules)
        let result = try JSONDecoder().decode(JobResult.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/result.json")))
        let square = try #require(result.outputs.first { $0.name == "square" })
        let finding = try #require(square.platform)
        #expect(finding.name == "instagram-reels" && !finding.ok)
        #expect(Set(finding.violations.map(\.rule)) == ["aspect", "height"], "\(finding.violations)")
        #expect(returned.outputs.first?.platform == finding)
        #expect(FileManager.default.fileExists(atPath: out + "/square.mp4"))
    }
}
