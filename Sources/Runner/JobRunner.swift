import Foundation
import Imaging
import Job
import Media
import Pipeline
import Verify

/// Runs one resolved job: renditions through the frame core, thumbnails tapped in the same pass, a contact
/// sheet, `result.json`; everything written under a staging folder beside the output folder and renamed
/// into place only when all of it is done. A job that fails leaves nothing at the output folder.
public enum JobRunner {
    /// - Parameter platforms: the platform specs renditions naming a `platform` are checked against: Verify's
    ///   `PlatformCheck.rules` unless a caller says otherwise (`.none` only for jobs naming no platform), so
    ///   no caller can forget the checks. Each such rendition's finding is
    ///   recorded on its output (`result.json` `outputs[].platform`) and the job succeeds — unless the
    ///   rendition asks `"platform_check": "fail"`: then the rules the input decides are checked from the
    ///   probe before anything is encoded (`PipelineError.platformRefused`), the others after encoding
    ///   (`PipelineError.specViolations`). Both are final (not worth another attempt).
    public static func run(_ job: ResolvedJob, outputDirectory: String, options: CoreOptions, platforms: PlatformRules = PlatformCheck.rules,
                           progress: ((CoreProgress) -> Void)? = nil) throws -> JobResult {
        let started = monotonicSeconds()
        let spec = job.spec
        for (i, r) in spec.renditions.enumerated() {
            if let p = r.platform, !platforms.knows(p) {
                throw JobSpecError("renditions[\(i)].platform", "'\(p)': this run has no rules for it")
            }
        }
        // Stills (told apart by content) render through the same renditions as images.
        if let format = StillImage.sniff(path: job.inputPath) {
            return try StillJobRunner.run(job, format: format, outputDirectory: outputDirectory, options: options,
                                          platforms: platforms, progress: progress)
        }
        let probe = try InputContainer(path: job.inputPath, policy: options.policy, cancel: options.cancel)
        let videoIndex = try probe.requireVideoStream()
        let info = probe.streamInfo(videoIndex)
        let duration = info.duration ?? probe.durationSeconds ?? 0
        // Strict renditions: what the input decides is decided now, before anything is made or written.
        try PlatformPreflight.check(spec: spec, plans: spec.renditions.map { Self.plan($0, outputPath: "") }, probe: probe,
                                    videoIndex: videoIndex, platforms: platforms)
        let staging = try StagingDirectory(finalPath: outputDirectory)

        let watermark = try spec.watermark.map {
            try WatermarkPlan(spec: $0, fontPath: job.watermarkFontPath, imagePath: job.watermarkImagePath)
        }
        let plans: [RenditionPlan] = spec.renditions.map { r in
            var plan = Self.plan(r, outputPath: staging.path + "/" + r.name + ".mp4")
            if let watermark {
                let safe = r.safeArea
                plan.watermarkFactory = { w, h, bt709 in try watermark.build(width: w, height: h, safeArea: safe, bt709: bt709) }
            }
            return plan
        }
        var tap: ThumbnailTap?
        if let t = spec.thumbnails {
            let times = (ThumbnailTap.evenTimes(count: t.count ?? 0, duration: duration) + (t.times ?? []))
                .map { duration > 0 ? min($0, duration) : $0 }
            tap = ThumbnailTap(targets: times, width: t.width, avoidBlack: t.avoidBlack,
                               sampleAspect: info.sampleAspectRatio?.double ?? 1, rotation: info.rotation ?? 0)
        }

        var timings: [String: Double] = [:]
        var report: CoreReport?
        // Loudness normalisation's first pass (audio only) and the captions' cues, before the one decode.
        var prepared: [String: Double] = [:]
        let loudness = plans.isEmpty ? nil : try measureLoudness(job, probe: probe, options: options, timings: &prepared)
        let captions = try loadCaptions(job, duration: duration, timings: &prepared)
        if !plans.isEmpty {
            let core = FrameCore(input: job.inputPath, renditions: try attachCaptions(captions, job: job, to: plans),
                                 options: options, tap: tap, opened: probe)
            core.loudness = loudness?.1
            report = try core.run(progress: progress)
            timings = report!.timings
        } else if let tap {
            let t0 = monotonicSeconds()
            try ThumbnailPass.run(input: probe, stream: videoIndex, tap: tap, cancel: options.cancel, threads: options.resolvedThreads,
                                  progress: progress)
            timings["decode+thumbnails"] = monotonicSeconds() - t0
        }
        timings.merge(prepared) { $1 }

        // Every platform rule on the finished files. A finding is recorded on its output; a strict rendition's
        // fails the job, and the staging folder (with everything made) goes with it.
        let made = report?.renditions ?? []
        let checkStarted = monotonicSeconds()
        var findings: [RenditionFinding] = []
        for (r, m) in zip(spec.renditions, made) {
            guard let p = r.platform else { continue }
            findings.append(RenditionFinding(rendition: r.name, finding: PlatformFinding(name: p, violations: try platforms.output(p, m.path))))
        }
        if !findings.isEmpty { timings["platform-check"] = monotonicSeconds() - checkStarted }
        let strict = Set(spec.renditions.filter { $0.platformCheck == .fail }.map(\.name))
        let refused = findings.filter { strict.contains($0.rendition) && !$0.finding.ok }
        if !refused.isEmpty { throw PipelineError.specViolations(refused, all: findings) }

        var outputs: [JobResult.Output] = []
        for r in made {
            var o = try JobResult.Output.video(name: r.name, path: r.path, base: staging.path)
            o.platform = findings.first { $0.rendition == r.name }?.finding
            outputs.append(o)
        }
        if let tap, let t = spec.thumbnails {
            let t0 = monotonicSeconds()
            for (i, shot) in tap.shots.enumerated() {
                let name = String(format: "thumb-%02d", i + 1)
                let path = staging.path + "/" + name + ".png"
                try PNG.write(shot.image, to: path)
                var o = try JobResult.Output.file(kind: "thumbnail", name: name, path: path, base: staging.path)
                o.time = (shot.time * 1000).rounded() / 1000
                o.width = shot.image.width
                o.height = shot.image.height
                outputs.append(o)
            }
            if t.contactSheet, !tap.shots.isEmpty {
                let sheet = try ContactSheet.make(tap.shots)
                let path = staging.path + "/contact-sheet.png"
                try PNG.write(sheet, to: path)
                var o = try JobResult.Output.file(kind: "contact_sheet", name: "contact-sheet", path: path, base: staging.path)
                o.width = sheet.width
                o.height = sheet.height
                outputs.append(o)
            }
            timings["thumbnails-png"] = monotonicSeconds() - t0
        }
        let audioReport = try recordLoudness(&outputs, staging: staging.path, spec: spec, measured: loudness, options: options,
                                             timings: &timings)
        let captionsReport = try publishCaptions(captions, job: job, staging: staging.path, outputs: &outputs)
        timings["total"] = monotonicSeconds() - started
        var result = JobResult(input: spec.input, outputs: outputs, timings: timings.mapValues { ($0 * 1000).rounded() / 1000 })
        result.audio = audioReport
        result.captions = captionsReport
        try result.write(to: staging.path + "/result.json")
        try staging.commit()
        return result
    }
}

extension JobRunner {
    /// A rendition of the spec as the frame core runs it (without its watermark).
    static func plan(_ r: RenditionSpec, outputPath: String) -> RenditionPlan {
        var plan = RenditionPlan(name: r.name, width: r.width, height: r.height, fit: r.fit, crf: r.crf, preset: r.preset,
                                 maxBitrateKbps: r.maxBitrateKbps, fpsMax: r.fpsMax, audioBitrateKbps: r.audioBitrateKbps,
                                 keyframeSeconds: r.keyframeSeconds, outputPath: outputPath, fpsMin: r.fpsMin)
        plan.deinterlace = r.deinterlace ?? .frame
        return plan
    }
}
