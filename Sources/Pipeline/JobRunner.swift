import Foundation
import Imaging
import Media

/// Runs one resolved job: renditions through the frame core, thumbnails tapped in the same pass, a contact
/// sheet, `result.json`; everything written under a staging folder beside the output folder and renamed
/// into place only when all of it is done.
public enum JobRunner {
    /// - Parameter outputCheck: checks a finished rendition (its staged path, its spec) and returns the
    ///   violations found, each naming the rendition (Verify's `PlatformCheck.outputCheck` checks renditions
    ///   that name a `platform`). On any violation the job fails with `PipelineError.specViolations`, and
    ///   the output folder holds only a `result.json` listing them.
    public static func run(_ job: ResolvedJob, outputDirectory: String, options: CoreOptions,
                           progress: ((CoreProgress) -> Void)? = nil,
                           outputCheck: ((String, RenditionSpec) throws -> [String])? = nil) throws -> JobResult {
        let started = monotonicSeconds()
        let staging = try StagingDirectory(finalPath: outputDirectory)
        let spec = job.spec
        try PNGInputCheck.run(path: job.inputPath)
        let probe = try InputContainer(path: job.inputPath, policy: options.policy, cancel: options.cancel)
        let videoIndex = try probe.requireVideoStream()
        let info = probe.streamInfo(videoIndex)
        let duration = info.duration ?? probe.durationSeconds ?? 0

        let watermark = try spec.watermark.map {
            try WatermarkPlan(spec: $0, fontPath: job.watermarkFontPath, imagePath: job.watermarkImagePath)
        }
        let plans: [RenditionPlan] = spec.renditions.map { r in
            var plan = RenditionPlan(name: r.name, width: r.width, height: r.height, fit: r.fit, crf: r.crf, preset: r.preset,
                                     maxBitrateKbps: r.maxBitrateKbps, fpsMax: r.fpsMax, audioBitrateKbps: r.audioBitrateKbps,
                                     keyframeSeconds: r.keyframeSeconds, outputPath: staging.path + "/" + r.name + ".mp4")
            plan.deinterlace = r.deinterlace ?? .frame
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
        if !plans.isEmpty {
            report = try FrameCore(input: job.inputPath, renditions: plans, options: options, tap: tap, opened: probe)
                .run(progress: progress)
            timings = report!.timings
        } else if let tap {
            let t0 = monotonicSeconds()
            try ThumbnailPass.run(input: probe, stream: videoIndex, tap: tap, cancel: options.cancel, threads: options.resolvedThreads,
                                  progress: progress)
            timings["decode+thumbnails"] = monotonicSeconds() - t0
        }

        if let outputCheck {
            var violations: [String] = []
            for (r, made) in zip(spec.renditions, report?.renditions ?? []) { violations += try outputCheck(made.path, r) }
            if !violations.isEmpty {
                for made in report?.renditions ?? [] { try FileManager.default.removeItem(atPath: made.path) }
                let result = JobResult(input: spec.input, outputs: [], timings: [:], violations: violations)
                try result.write(to: staging.path + "/result.json")
                try staging.commit()
                throw PipelineError.specViolations(violations)
            }
        }

        var outputs: [JobResult.Output] = []
        for r in report?.renditions ?? [] {
            outputs.append(try JobResult.Output.video(name: r.name, path: r.path, base: staging.path))
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
        timings["total"] = monotonicSeconds() - started
        let result = JobResult(input: spec.input, outputs: outputs, timings: timings.mapValues { ($0 * 1000).rounded() / 1000 })
        try result.write(to: staging.path + "/result.json")
        try staging.commit()
        return result
    }
}

/// A PNG input is decoded by libpng first, under the same limits as a watermark image (CRCs, header fields,
/// complete image data, text and ICC chunks at most 1 MiB once inflated), before FFmpeg sees it: FFmpeg's
/// PNG decoder skips CRCs, decodes truncated data and inflates text chunks without a limit.
enum PNGInputCheck {
    static func run(path: String) throws {
        // Anything but a readable regular file is InputContainer's to refuse (a FIFO must not block us here).
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
              let handle = FileHandle(forReadingAtPath: path) else { return }
        let head = try handle.read(upToCount: 8) ?? Data()
        try handle.close()
        guard head == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return }
        _ = try PNG.read(path: path)
    }
}
