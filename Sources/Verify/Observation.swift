import Foundation
import Imaging
import Media
import Job
import Pipeline

/// Reading what an output is, shared by recording a manifest and checking against one.
package enum Observation {
    static func structure(_ f: OutputFacts) -> Structure {
        let v = f.video, a = f.audio
        return Structure(container: f.containerKind, videoCodec: v?.codec ?? "none", profile: v?.profile, pixelFormat: v?.pixelFormat,
                         width: v?.width ?? 0, height: v?.height ?? 0,
                         sampleAspect: ratio(v?.sampleAspectRatio), displayAspect: ratio(v?.displayAspectRatio),
                         audioCodec: a?.codec, audioProfile: a?.profile, sampleRate: a?.sampleRate, channels: a?.channels,
                         moovBeforeMdat: f.info.moovBeforeMdat ?? false, editList: f.info.hasEditList ?? false,
                         closedGop: f.scan.closedGOP)
    }

    static func ratio(_ r: Rational?) -> String {
        guard let r, r.isValid else { return "unknown" }
        return "\(r.num):\(r.den)"
    }

    static func measure(_ path: String, job: ResolvedJob, rendition: RenditionSpec) throws -> VideoMeasurement {
        let plan = try job.spec.watermark.map {
            try WatermarkPlan(spec: $0, fontPath: job.watermarkFontPath, imagePath: job.watermarkImagePath)
        }
        return try QualityMeter.measure(output: path, source: job.inputPath, rendition: rendition, watermark: plan)
    }

    /// A PNG or JPEG output, decoded, and its dHash.
    static func image(_ path: String) throws -> (image: RGBAImage, dhash: UInt64) {
        let image = try StillImage.read(path: path).image
        return (image, Metrics.dHash(image))
    }

    /// The mark on a still rendition's picture, measured as on video frames (`MarkProbe`, on BT.709 luma);
    /// nil when the job stamps none.
    static func stillMark(_ image: RGBAImage, job: ResolvedJob, rendition: RenditionSpec) throws -> WatermarkMeasurement? {
        guard let spec = job.spec.watermark else { return nil }
        let plan = try WatermarkPlan(spec: spec, fontPath: job.watermarkFontPath, imagePath: job.watermarkImagePath)
        let probe = try MarkProbe(plan: plan, width: image.width, height: image.height, safeArea: rendition.safeArea, bt709: true)
        var luma = [UInt8](repeating: 0, count: image.width * image.height)
        for i in 0..<luma.count {
            let r = Double(image.pixels[i * 4]), g = Double(image.pixels[i * 4 + 1]), b = Double(image.pixels[i * 4 + 2])
            luma[i] = UInt8(min(235, max(16, 16 + (0.2126 * r + 0.7152 * g + 0.0722 * b) * 219 / 255)).rounded())
        }
        return luma.withUnsafeMutableBufferPointer { buffer in
            let y = Plane(base: buffer.baseAddress!, stride: image.width, width: image.width, height: image.height)
            return WatermarkMeasurement(rect: probe.rect, match: probe.match(y, at: probe.rect), contrast: probe.contrast(y),
                                        elsewhere: probe.elsewhere.map { probe.match(y, at: $0) }.max() ?? 0)
        }
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s
    }

    /// The outputs a finished job lists in its `result.json`.
    package static func results(in directory: String) throws -> JobResult {
        let path = directory + "/result.json"
        do {
            return try JSONDecoder().decode(JobResult.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw VerifyError.manifest(path, "cannot read the job's result: \(error)")
        }
    }
}
