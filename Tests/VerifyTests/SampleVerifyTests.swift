import Foundation
import Media
import Job
import Pipeline
@testable import Runner
import Testing
import Verify

/// The committed samples, run once for the suites that need their outputs.
enum SampleRun {
    struct Outcome: Sendable {
        var verifier: SampleVerifier
        var report: VerifyReport
    }
    static let outcome: Result<Outcome, Problem> = {
        do {
            let verifier = SampleVerifier(samplesDirectory: Fixtures.repo + "/samples", jobsDirectory: Fixtures.repo + "/jobs",
                                          workDirectory: try Fixtures.scratch("samples"))
            return .success(Outcome(verifier: verifier, report: try verifier.run(update: false)))
        } catch {
            return .failure(Problem("running the samples: \(error)"))
        }
    }()
}

@Suite(.serialized) struct SampleVerifyTests {
    @Test func committedSamplesPassTheirManifests() throws {
        let run = try SampleRun.outcome.get()
        #expect(run.report.passed, "\(run.report.summary)\n\(run.report.table)")
        // Every sample job has a manifest and every manifest output was checked.
        let jobs = try run.verifier.jobNames()
        #expect(Set(jobs).isSuperset(of: ["campaign-social", "campaign-thumbnails", "portrait-social"]), "\(jobs)")
        for job in jobs {
            let manifest = try Manifest.load(path: run.verifier.manifestPath(job))
            let checked = Set(run.report.rows.filter { $0.job == job }.map(\.output))
            #expect(checked == Set(manifest.outputs.map(\.name)), "\(job)")
            // Structure, quality and watermark checks all ran for every video.
            for o in manifest.outputs where o.kind == "video" {
                let names = Set(run.report.rows.filter { $0.job == job && $0.output == o.name }.map(\.check))
                #expect(names.isSuperset(of: ["video.width", "audio.codec", "moov-before-mdat", "closed-gop", "keyframe-interval",
                                              "psnr", "ssim", "watermark.present", "watermark.elsewhere"]), "\(job)/\(o.name)")
            }
        }
    }

    @Test func sampleRenditionsMeetTheirPlatforms() throws {
        let run = try SampleRun.outcome.get()
        for job in ["campaign-social", "portrait-social"] {
            let spec = try run.verifier.load(job).spec
            let platforms = spec.renditions.compactMap { r in r.platform.map { (r.name, $0) } }
            #expect(Set(platforms.map(\.1)) == ["instagram-reels", "instagram-feed", "youtube", "x"])
            for (name, platform) in platforms + [("story", "tiktok")] {
                let path = run.verifier.outputDirectory(job) + "/" + name + ".mp4"
                #expect(try PlatformCheck.check(path: path, platform: platform).isEmpty, "\(job)/\(name) on \(platform)")
            }
        }
    }
}
