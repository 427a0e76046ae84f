import Foundation
import Imaging
import Job
import Media
import Pipeline

/// A job whose input is a still (a phone photo, a poster): every rendition of the template renders it to an
/// image of the same name and geometry with the mark stamped, in the `stills` format; no video, thumbnails or
/// contact sheet (a template's `thumbnails` are for videos and are left out). Written under a staging folder
/// and renamed into place with `result.json`, as video jobs are.
enum StillJobRunner {
    static func run(_ job: ResolvedJob, format: StillImage.Format, outputDirectory: String, options: CoreOptions,
                    platforms: PlatformRules, progress: ((CoreProgress) -> Void)?) throws -> JobResult {
        let started = monotonicSeconds()
        let spec = job.spec
        var timings: [String: Double] = [:]
        var limits = StillLimits.default
        limits.maxPixels = Int(min(Int64(limits.maxPixels), options.policy.maxPixels))
        // Decoded first: a hostile still is refused for what it is, whatever the job asks of it.
        let still = try StillImage.read(path: job.inputPath, limits: limits)
        guard !spec.renditions.isEmpty else {
            throw JobSpecError("renditions", "the input is a still image (\(format.label)) and the job has no renditions to render it to "
                               + "(thumbnails and contact sheets are made from videos)")
        }
        if options.cancel.isCancelled { throw PipelineError.cancelled }
        timings["decode"] = monotonicSeconds() - started
        let stills = spec.stills ?? StillSpec()
        let graphic = still.format == .png && still.isGraphic
        let watermark = try spec.watermark.map {
            try WatermarkPlan(spec: $0, fontPath: job.watermarkFontPath, imagePath: job.watermarkImagePath)
        }
        let staging = try StagingDirectory(finalPath: outputDirectory)
        let renderStarted = monotonicSeconds()
        let renditions = spec.renditions
        let folder = staging.path
        let formats = renditions.map { r in
            StillFormatChoice.choose(stills, still: still, graphic: graphic, platformFormats: r.platform.flatMap(platforms.stillFormats))
        }
        // Renditions in parallel, each whole (render, encode, write); the first error wins.
        let results = ResultSlots<(path: String, width: Int, height: Int)>(count: renditions.count)
        let threads = max(1, min(options.resolvedThreads, renditions.count))
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            for i in stride(from: worker, to: renditions.count, by: threads) {
                results.set(i, Result {
                    if options.cancel.isCancelled { throw PipelineError.cancelled }
                    let r = renditions[i]
                    let picture = try StillRenderer.render(
                        still, .init(width: r.width, height: r.height, fit: r.fit, safeArea: r.safeArea, format: formats[i]),
                        background: stills.backgroundColor, watermark: watermark)
                    let bytes = try StillRenderer.encode(picture, formats[i])
                    let path = folder + "/" + r.name + "." + formats[i].fileExtension
                    try Data(bytes).write(to: URL(fileURLWithPath: path))
                    return (path, picture.width, picture.height)
                })
            }
        }
        let made = try results.values()
        let elapsed = monotonicSeconds() - started
        progress?(CoreProgress(frames: Int64(made.count), total: Int64(made.count), fraction: 1, fps: 0, elapsed: elapsed, eta: 0))
        timings["render+encode"] = monotonicSeconds() - renderStarted

        var outputs: [JobResult.Output] = []
        var findings: [RenditionFinding] = []
        for (i, r) in renditions.enumerated() {
            var o = try JobResult.Output.file(kind: "image", name: r.name, path: made[i].path, base: staging.path)
            o.codec = formats[i].name
            o.width = made[i].width
            o.height = made[i].height
            if let p = r.platform {
                let facts = StillFacts(format: formats[i].name, width: made[i].width, height: made[i].height, bytes: o.bytes)
                let finding = PlatformFinding(name: p, violations: platforms.still(p, facts))
                o.platform = finding
                findings.append(RenditionFinding(rendition: r.name, finding: finding))
            }
            outputs.append(o)
        }
        let strict = Set(renditions.filter { $0.platformCheck == .fail }.map(\.name))
        let refused = findings.filter { strict.contains($0.rendition) && !$0.finding.ok }
        if !refused.isEmpty { throw PipelineError.specViolations(refused, all: findings) }

        timings["total"] = monotonicSeconds() - started
        var result = JobResult(input: spec.input, outputs: outputs, timings: timings.mapValues { ($0 * 1000).rounded() / 1000 })
        result.still = JobResult.StillInput(format: still.format.rawValue, width: still.image.width, height: still.image.height,
                                            orientation: still.orientation, convertedFrom: still.convertedFrom,
                                            transparency: still.hasAlpha, graphic: graphic)
        try result.write(to: staging.path + "/result.json")
        try staging.commit()
        return result
    }
}

/// One result per index, filled from several threads.
final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, any Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, any Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[i] = r
    }
    func values() throws -> [T] {
        lock.lock(); defer { lock.unlock() }
        return try slots.map { try $0!.get() }
    }
}
