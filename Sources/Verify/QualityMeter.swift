import Foundation
import Imaging
import Media
import Job
import Pipeline

/// How close a rendition is to its source, and where its watermark is.
public struct VideoMeasurement: Sendable, Codable, Equatable {
    /// Luma PSNR (dB) from the mean squared error of the compared frames, inside the picture, outside the
    /// watermark; at most 99 (identical).
    public var psnr: Double
    /// Mean luma SSIM of the compared frames, same area.
    public var ssim: Double
    public var framesCompared: Int
    public var watermark: WatermarkMeasurement?
}

public struct WatermarkMeasurement: Sendable, Codable, Equatable {
    /// Where the pipeline's `WatermarkPlan` puts the mark in this output.
    public var rect: Rect
    /// Mean correlation of the output's luma there with the mark's pattern (1: exactly the mark).
    public var match: Double
    /// Mean luma contrast of the mark's ink against the frame around it.
    public var contrast: Double
    /// The mean, over the compared frames, of the best match at any other anchor's place.
    public var elsewhere: Double
}

/// Compares a rendition's decoded frames with the source's decoded frames mapped through the rendition's
/// geometry (`Geometry.compute`, the pipeline's own), frame for frame on the output's constant-rate grid.
public enum QualityMeter {
    /// - Parameters:
    ///   - samplesPerSecond: output frames compared per second of video (spread evenly).
    public static func measure(output: String, source: String, rendition: RenditionSpec, watermark: WatermarkPlan?,
                               samplesPerSecond: Double = 2, policy: InputPolicy = .default) throws -> VideoMeasurement {
        let out = try DecodedVideo(path: output, policy: policy)
        let src = try DecodedVideo(path: source, policy: policy)
        let oi = out.info, si = src.info
        let fps = (oi.averageFrameRate?.isValid == true ? oi.averageFrameRate : oi.frameRate)?.double ?? 30
        let width = oi.width ?? 0, height = oi.height ?? 0
        let probe = try watermark.map {
            try MarkProbe(plan: $0, width: width, height: height, safeArea: rendition.safeArea, bt709: oi.colorSpace == "bt709")
        }
        let step = max(1, Int((fps / samplesPerSecond).rounded()))
        let reference = ReferencePicture()

        var current = try src.next()
        var ahead = try src.next()
        var n: Int64 = 0
        var mseSum = 0.0, ssimSum = 0.0, compared = 0
        var match = 0.0, contrast = 0.0, elsewhere = 0.0
        while let decoded = try out.next() {
            let frame = decoded.frame
            defer { n += 1 }
            // The output's slot n shows the latest source frame whose own slot is at or before n.
            while let a = ahead, Int64((a.time * fps).rounded()) <= n {
                current = a
                ahead = try src.next()
            }
            guard n % Int64(step) == Int64(step / 2), let cur = current else { continue }
            let g = try Geometry.compute(codedWidth: cur.frame.width, codedHeight: cur.frame.height,
                                         sampleAspect: si.sampleAspectRatio?.double ?? 1, rotation: si.rotation ?? 0,
                                         width: rendition.width, height: rendition.height, fit: rendition.fit)
            guard g.outputWidth == frame.width, g.outputHeight == frame.height else {
                throw VerifyError.measurement(output, "the output is \(frame.width)×\(frame.height), the rendition's geometry gives \(g.outputWidth)×\(g.outputHeight)")
            }
            guard let planes = frame.planes420 else {
                throw VerifyError.measurement(output, "pixel format \(frame.pixelFormat) is not yuv420p")
            }
            let ref = try reference.render(cur.frame, geometry: g)
            let p = g.picture
            let picture = planes.y.sub(x: p.x, y: p.y, width: p.width, height: p.height)
            let excluded = probe.map { (x: $0.rect.x - p.x, y: $0.rect.y - p.y, width: $0.rect.width, height: $0.rect.height) }
            mseSum += Metrics.mse(picture, ref.y, excluding: excluded)
            ssimSum += Metrics.ssim(picture, ref.y, excluding: excluded)
            if let probe {
                match += probe.match(planes.y, at: probe.rect)
                contrast += probe.contrast(planes.y)
                elsewhere += probe.elsewhere.map { probe.match(planes.y, at: $0) }.max() ?? 0
            }
            compared += 1
        }
        guard compared > 0 else { throw VerifyError.measurement(output, "no frames to compare") }
        let k = Double(compared)
        let mse = mseSum / k
        let psnr = mse > 0 ? min(99, 10 * log10(255 * 255 / mse)) : 99
        let mark = probe.map {
            WatermarkMeasurement(rect: $0.rect, match: match / k, contrast: contrast / k, elsewhere: elsewhere / k)
        }
        return VideoMeasurement(psnr: psnr, ssim: ssimSum / k, framesCompared: compared, watermark: mark)
    }
}
