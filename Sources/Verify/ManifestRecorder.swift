import Foundation
import Job
import Pipeline

/// Records a manifest from a job's current outputs: the baseline values, and bounds derived from them with
/// the margins (`mediaworker verify --update`; review the diff).
public enum ManifestRecorder {
    public static func record(jobName: String, job: ResolvedJob, outputDirectory: String,
                              margins: Margins = .standard) throws -> Manifest {
        let result = try Observation.results(in: outputDirectory)
        var outputs: [ExpectedOutput] = []
        for o in result.outputs {
            let path = outputDirectory + "/" + o.path
            var expected = ExpectedOutput(name: o.name, kind: o.kind, path: o.path)
            if o.kind == "video" {
                guard let rendition = job.spec.renditions.first(where: { $0.name == o.name }) else {
                    throw VerifyError.samples("\(jobName): result.json lists video '\(o.name)', which the job has no rendition for")
                }
                expected.video = try video(path, job: job, rendition: rendition, margins: margins)
                expected.video?.loudness = loudness(job)
                expected.video?.captions = try captions(path, job: job, rendition: rendition, margins: margins)
            } else if o.kind == "captions" {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let facts = sidecarFacts(text)
                expected.sidecar = ExpectedSidecar(language: facts.language ?? "", cues: facts.cues)
            } else {
                let (image, hash) = try Observation.image(path)
                expected.image = ExpectedImage(width: image.width, height: image.height, dhash: Observation.hex(hash),
                                               maxDistance: margins.dhashBits)
                if o.kind == "image", let rendition = job.spec.renditions.first(where: { $0.name == o.name }) {
                    expected.image?.watermark = try Observation.stillMark(image, job: job, rendition: rendition).map {
                        mark($0, margins)
                    }
                }
            }
            outputs.append(expected)
        }
        return Manifest(job: jobName, margins: margins, outputs: outputs)
    }

    static func video(_ path: String, job: ResolvedJob, rendition: RenditionSpec, margins m: Margins) throws -> ExpectedVideo {
        let facts = try OutputFacts.read(path: path)
        let q = try Observation.measure(path, job: job, rendition: rendition)
        let scan = facts.scan
        let expectedMark = q.watermark.map { Self.mark($0, m) }
        return ExpectedVideo(
            structure: Observation.structure(facts),
            maxKeyframeInterval: rendition.keyframeSeconds,
            duration: Tolerance(baseline: round(scan.videoDuration, 4), tolerance: m.durationSeconds),
            frames: Tolerance(baseline: Double(scan.videoFrames), tolerance: Double(m.frames)),
            bitrate: Ceiling(baseline: scan.videoBitrate.rounded(), ceiling: (scan.videoBitrate * (1 + m.bitrateFraction)).rounded()),
            psnr: Floor(baseline: round(q.psnr, 3), floor: round(q.psnr - m.psnrDecibels, 3)),
            ssim: Floor(baseline: round(q.ssim, 5), floor: round(q.ssim - m.ssim, 5)),
            framesCompared: q.framesCompared,
            watermark: expectedMark)
    }

    static func mark(_ w: WatermarkMeasurement, _ m: Margins) -> ExpectedWatermark {
        ExpectedWatermark(rect: w.rect,
                          match: Floor(baseline: round(w.match, 4), floor: round(w.match * (1 - m.watermarkFraction), 4)),
                          contrast: Floor(baseline: round(w.contrast, 2), floor: round(w.contrast * (1 - m.watermarkFraction), 2)),
                          elsewhere: Ceiling(baseline: round(w.elsewhere, 4), ceiling: round(w.elsewhere + m.watermarkElsewhere, 4)))
    }

    static func round(_ v: Double, _ digits: Int) -> Double {
        let k = pow(10, Double(digits))
        return (v * k).rounded() / k
    }
}
