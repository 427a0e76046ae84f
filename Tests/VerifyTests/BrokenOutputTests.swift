import Foundation
import Imaging
import Media
import Job
import Pipeline
@testable import Runner
import Testing
import Verify

/// A small sample folder (one 480×270 rendition of the campaign clip with the text mark, two thumbnails and a
/// contact sheet), its manifest recorded from a good run; then outputs broken on purpose, each of which
/// must fail the check that names what is wrong.
enum SmallSample {
    static let job = "small"
    static let spec = #"""
        {"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"clip","width":480,"height":270,"fit":"cover",
         "crf":23,"preset":"superfast","keyframe_seconds":2}],
         "watermark":{"text":"#SomosLoMismo","anchor":"bottom-right","scale":0.3,"opacity":0.9},
         "thumbnails":{"count":2,"width":320,"avoid_black":true,"contact_sheet":true}}
        """#

    struct Recorded: Sendable {
        var verifier: SampleVerifier
        var manifest: Manifest
        var samples: String
    }

    static let recorded: Result<Recorded, Problem> = {
        do {
            let samples = try Fixtures.scratch("small") + "/samples"
            try FileManager.default.createDirectory(atPath: samples + "/jobs", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.repo + "/samples/campaign-16x9.mp4", toPath: samples + "/campaign-16x9.mp4")
            try Data(spec.utf8).write(to: URL(fileURLWithPath: samples + "/jobs/\(job).json"))
            let verifier = SampleVerifier(samplesDirectory: samples, jobsDirectory: Fixtures.repo + "/jobs",
                                          workDirectory: try Fixtures.scratch("small-out"))
            let report = try verifier.run(update: true)
            guard report.passed else { return .failure(Problem("recording: \(report.table)")) }
            return .success(Recorded(verifier: verifier, manifest: try Manifest.load(path: verifier.manifestPath(job)), samples: samples))
        } catch {
            return .failure(Problem("recording the small sample: \(error)"))
        }
    }()

    /// A copy of the good outputs to break.
    static func copyOfOutputs() throws -> String {
        let r = try recorded.get()
        let copy = try Fixtures.scratch("broken") + "/out"
        try FileManager.default.copyItem(atPath: r.verifier.outputDirectory(job), toPath: copy)
        return copy
    }

    /// The names of the checks that fail for the outputs in `directory`.
    static func failures(_ directory: String, job spec: ResolvedJob? = nil) throws -> Set<String> {
        let r = try recorded.get()
        let rows = ManifestChecker.check(jobName: job, job: try spec ?? r.verifier.load(job), outputDirectory: directory, manifest: r.manifest)
        #expect(!rows.isEmpty)
        return Set(rows.filter { !$0.passed }.map(\.check))
    }

    /// Replace `clip.mp4` in `dir` by what the ffmpeg CLI makes of it with `arguments`.
    static func rewriteClip(in dir: String, _ arguments: [String]) throws {
        try Fixtures.ffmpeg(["-i", dir + "/clip.mp4"] + arguments + [dir + "/rewritten.mp4"])
        try FileManager.default.removeItem(atPath: dir + "/clip.mp4")
        try FileManager.default.moveItem(atPath: dir + "/rewritten.mp4", toPath: dir + "/clip.mp4")
    }

    /// Run the small job with some fields changed, into a fresh folder.
    static func rerun(changing fields: [String: Any]) throws -> (ResolvedJob, String) {
        let r = try recorded.get()
        var object = try JSONSerialization.jsonObject(with: Data(spec.utf8)) as! [String: Any]
        for (k, v) in fields { object[k] = v }
        let job = try JobSpecLoader(jobsDirectory: Fixtures.repo + "/jobs", inputRoot: r.samples)
            .resolve(object: JSONValue(json: try JSONSerialization.data(withJSONObject: object))!.object!)
        let out = try Fixtures.scratch("rerun") + "/out"
        _ = try JobRunner.run(job, outputDirectory: out, options: CoreOptions(), platforms: .none)
        return (job, out)
    }
}

@Suite(.serialized) struct BrokenOutputTests {
    @Test func goodOutputsPass() throws {
        let manifest = try SmallSample.recorded.get().manifest
        #expect(manifest.outputs.map(\.name) == ["clip", "thumb-01", "thumb-02", "contact-sheet"])
        #expect(try SmallSample.failures(SmallSample.copyOfOutputs()) == [])
    }

    @Test func wrongSizeFailsTheSizeChecks() throws {
        let dir = try SmallSample.copyOfOutputs()
        try SmallSample.rewriteClip(in: dir, ["-vf", "scale=320:180", "-c:v", "libx264", "-preset", "superfast", "-c:a", "copy",
                                              "-movflags", "+faststart", "-use_editlist", "0"])
        let failed = try SmallSample.failures(dir)
        #expect(failed.isSuperset(of: ["video.width", "video.height"]), "\(failed)")
        #expect(!failed.contains("audio.codec") && !failed.contains("moov-before-mdat"), "\(failed)")
    }

    @Test func missingAudioFailsTheAudioChecks() throws {
        let dir = try SmallSample.copyOfOutputs()
        try SmallSample.rewriteClip(in: dir, ["-c", "copy", "-an", "-movflags", "+faststart", "-use_editlist", "0"])
        let failed = try SmallSample.failures(dir)
        #expect(failed.isSuperset(of: ["audio.codec", "audio.sample_rate", "audio.channels"]), "\(failed)")
        #expect(!failed.contains("video.width") && !failed.contains("psnr"), "\(failed)")
    }

    @Test func moovAtTheEndFailsMoovFirst() throws {
        let dir = try SmallSample.copyOfOutputs()
        try SmallSample.rewriteClip(in: dir, ["-c", "copy", "-use_editlist", "0"])
        #expect(MP4Layout.read(path: dir + "/clip.mp4")?.moovBeforeMdat == false)
        let failed = try SmallSample.failures(dir)
        #expect(failed.contains("moov-before-mdat"), "\(failed)")
        #expect(!failed.contains("psnr") && !failed.contains("audio.codec"), "\(failed)")
    }

    @Test func missingWatermarkFailsWatermarkPresent() throws {
        let (_, dir) = try SmallSample.rerun(changing: ["watermark": NSNull()])
        // Checked as the watermarked job: its mark should be there.
        let failed = try SmallSample.failures(dir)
        #expect(failed.contains("watermark.present"), "\(failed)")
        #expect(failed.isSubset(of: ["watermark.present", "watermark.contrast"]), "\(failed)")
    }

    @Test func blackThumbnailFailsItsHash() throws {
        let dir = try SmallSample.copyOfOutputs()
        let good = try PNG.read(path: dir + "/thumb-01.png")
        try PNG.write(try RGBAImage(width: good.width, height: good.height, fill: .black), to: dir + "/thumb-01.png")
        let rows = ManifestChecker.check(jobName: SmallSample.job, job: try SmallSample.recorded.get().verifier.load(SmallSample.job),
                                         outputDirectory: dir, manifest: try SmallSample.recorded.get().manifest)
        let failed = rows.filter { !$0.passed }.map { "\($0.output) \($0.check)" }
        #expect(failed == ["thumb-01 dhash"], "\(failed)")
    }

    @Test func crf51FailsTheQualityFloors() throws {
        let (_, dir) = try SmallSample.rerun(changing: ["renditions": [["name": "clip", "width": 480, "height": 270, "fit": "cover",
                                                                      "crf": 51, "preset": "superfast", "keyframe_seconds": 2]]])
        let failed = try SmallSample.failures(dir)
        #expect(failed.isSuperset(of: ["psnr", "ssim"]), "\(failed)")
        #expect(!failed.contains("video.width") && !failed.contains("audio.codec"), "\(failed)")
    }

    @Test func verifyCommandPassesACopiedSamplesFolder() throws {
        let r = try SmallSample.recorded.get()
        // The sample folder verifies the same wherever it is: inputs resolve inside it.
        let copy = try Fixtures.scratch("copy") + "/samples"
        try FileManager.default.copyItem(atPath: r.samples, toPath: copy)
        let run = try Fixtures.execute(Fixtures.mediaworker, ["verify", copy, "--jobs-dir", Fixtures.repo + "/jobs"])
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        #expect(run.output.contains("small  clip") && run.output.contains("psnr"), "\(run.output)")
        #expect(run.output.contains(" 0 failed"), "\(run.output)")
    }
}
