import Foundation
import Imaging
import Job
import Pipeline

/// Checks a job's outputs against its manifest, one row per check.
public enum ManifestChecker {
    public static func check(jobName: String, job: ResolvedJob, outputDirectory: String, manifest: Manifest) -> [CheckRow] {
        var rows: [CheckRow] = []
        let fm = FileManager.default
        for e in manifest.outputs {
            let path = outputDirectory + "/" + e.path
            var rowsOfOutput = Rows(job: jobName, output: e.name)
            if !fm.fileExists(atPath: path) {
                rowsOfOutput.add("exists", e.path, "missing", false)
            } else if let v = e.video {
                video(path, expected: v, job: job, rows: &rowsOfOutput)
            } else if let i = e.image {
                image(path, expected: i, rendition: e.kind == "image" ? job.spec.renditions.first { $0.name == e.name } : nil,
                      job: job, rows: &rowsOfOutput)
            } else if let c = e.sidecar {
                sidecar(path, expected: c, rows: &rowsOfOutput)
            }
            rows += rowsOfOutput.rows
        }
        let listed = Set(manifest.outputs.map(\.path) + ["result.json"])
        let present: [String]
        do { present = try fm.contentsOfDirectory(atPath: outputDirectory) } catch {
            return rows + [CheckRow(job: jobName, output: "-", check: "outputs", expected: "a folder of outputs",
                                    actual: "\(outputDirectory): \(error.localizedDescription)", passed: false)]
        }
        for file in present.sorted() where !file.hasPrefix(".") && !listed.contains(file) {
            rows.append(CheckRow(job: jobName, output: file, check: "unexpected-output", expected: "not in the manifest",
                                 actual: "present", passed: false))
        }
        return rows
    }

    struct Rows {
        let job: String
        let output: String
        var rows: [CheckRow] = []
        mutating func add(_ check: String, _ expected: String, _ actual: String, _ passed: Bool) {
            rows.append(CheckRow(job: job, output: output, check: check, expected: expected, actual: actual, passed: passed))
        }
        mutating func equal<T: Equatable>(_ check: String, _ expected: T?, _ actual: T?) {
            add(check, expected.map { "\($0)" } ?? "none", actual.map { "\($0)" } ?? "none", expected == actual)
        }
    }

    static func video(_ path: String, expected e: ExpectedVideo, job: ResolvedJob, rows: inout Rows) {
        let facts: OutputFacts
        do { facts = try OutputFacts.read(path: path) } catch {
            rows.add("readable", "a media file", "\(error)", false)
            return
        }
        let s = Observation.structure(facts), x = e.structure
        rows.equal("container", x.container, s.container)
        rows.equal("video.codec", x.videoCodec, s.videoCodec)
        rows.equal("video.profile", x.profile, s.profile)
        rows.equal("video.pix_fmt", x.pixelFormat, s.pixelFormat)
        rows.equal("video.width", x.width, s.width)
        rows.equal("video.height", x.height, s.height)
        rows.equal("video.sar", x.sampleAspect, s.sampleAspect)
        rows.equal("video.dar", x.displayAspect, s.displayAspect)
        rows.equal("audio.codec", x.audioCodec, s.audioCodec)
        rows.equal("audio.profile", x.audioProfile, s.audioProfile)
        rows.equal("audio.sample_rate", x.sampleRate, s.sampleRate)
        rows.equal("audio.channels", x.channels, s.channels)
        rows.equal("moov-before-mdat", x.moovBeforeMdat, s.moovBeforeMdat)
        rows.equal("edit-list", x.editList, s.editList)
        rows.add("closed-gop", "\(x.closedGop)", facts.scan.closedGOP ? "true" : "false (\(facts.scan.openGOPReason ?? "open"))",
                 x.closedGop == s.closedGop)
        // Half a frame of slack: intervals are measured between presentation times.
        let halfFrame = 0.5 / (facts.frameRate ?? 30)
        rows.add("keyframe-interval", String(format: "≤ %.3f s", e.maxKeyframeInterval),
                 String(format: "%.3f s", facts.scan.maxKeyframeInterval), facts.scan.maxKeyframeInterval <= e.maxKeyframeInterval + halfFrame)
        let d = facts.scan.videoDuration
        rows.add("duration", String(format: "%.3f ± %.3f s", e.duration.baseline, e.duration.tolerance), String(format: "%.3f s", d),
                 e.duration.accepts(d))
        rows.add("frames", String(format: "%.0f ± %.0f", e.frames.baseline, e.frames.tolerance), "\(facts.scan.videoFrames)",
                 e.frames.accepts(Double(facts.scan.videoFrames)))
        let rate = facts.scan.videoBitrate
        rows.add("bitrate", String(format: "≤ %.0f kb/s", e.bitrate.ceiling / 1000), String(format: "%.0f kb/s", rate / 1000),
                 rate <= e.bitrate.ceiling)
        quality(path, expected: e, job: job, rows: &rows)
        if let l = e.loudness { loudness(path, expected: l, rows: &rows) }
        if let c = e.captions { captions(path, expected: c, job: job, rows: &rows) }
    }

    static func quality(_ path: String, expected e: ExpectedVideo, job: ResolvedJob, rows: inout Rows) {
        let names = ["psnr", "ssim"] + (e.watermark == nil ? [] : ["watermark.present", "watermark.contrast", "watermark.elsewhere"])
        guard let rendition = job.spec.renditions.first(where: { $0.name == rows.output }) else {
            for n in names { rows.add(n, "a rendition named \(rows.output)", "none in the job", false) }
            return
        }
        let q: VideoMeasurement
        do { q = try Observation.measure(path, job: job, rendition: rendition) } catch {
            for n in names { rows.add(n, "measurable", "\(error)", false) }
            return
        }
        rows.add("psnr", String(format: "≥ %.2f dB", e.psnr.floor), String(format: "%.2f dB", q.psnr), q.psnr >= e.psnr.floor)
        rows.add("ssim", String(format: "≥ %.4f", e.ssim.floor), String(format: "%.4f", q.ssim), q.ssim >= e.ssim.floor)
        guard let w = e.watermark else {
            if let got = q.watermark {
                rows.add("watermark", "none", "the job stamps one at \(got.rect)", false)
            }
            return
        }
        guard let got = q.watermark else {
            for n in names.dropFirst(2) { rows.add(n, "a watermark", "the job has none", false) }
            return
        }
        markRows(w, got, rows: &rows)
    }

    static func markRows(_ w: ExpectedWatermark, _ got: WatermarkMeasurement, rows: inout Rows) {
        rows.add("watermark.present", String(format: "match ≥ %.3f at %@", w.match.floor, "\(w.rect)"),
                 String(format: "%.3f at %@", got.match, "\(got.rect)"), got.match >= w.match.floor && got.rect == w.rect)
        rows.add("watermark.contrast", String(format: "≥ %.1f", w.contrast.floor), String(format: "%.1f", got.contrast),
                 got.contrast >= w.contrast.floor)
        rows.add("watermark.elsewhere", String(format: "match ≤ %.3f", w.elsewhere.ceiling), String(format: "%.3f", got.elsewhere),
                 got.elsewhere <= w.elsewhere.ceiling)
    }

    static func image(_ path: String, expected e: ExpectedImage, rendition: RenditionSpec?, job: ResolvedJob, rows: inout Rows) {
        do {
            let (img, hash) = try Observation.image(path)
            rows.equal("image.width", e.width, img.width)
            rows.equal("image.height", e.height, img.height)
            let recorded = UInt64(e.dhash, radix: 16) ?? 0
            let distance = Metrics.hammingDistance(recorded, hash)
            rows.add("dhash", "\(e.dhash) within \(e.maxDistance) bits", "\(Observation.hex(hash)) (\(distance) bits)",
                     distance <= e.maxDistance)
            guard let w = e.watermark else { return }
            guard let rendition, let got = try Observation.stillMark(img, job: job, rendition: rendition) else {
                rows.add("watermark.present", "a mark at \(w.rect)", "the job stamps none", false)
                return
            }
            markRows(w, got, rows: &rows)
        } catch {
            rows.add("readable", "a PNG or JPEG", "\(error)", false)
        }
    }
}
