import Foundation
import Imaging
import Job
import Media
import Pipeline

/// Burned-in captions in a decoded output: the pipeline's own `CaptionStamp` for the output's size says where
/// each caption image goes and what it looks like; the output's luma is correlated with that image on frames
/// within a cue, and with the first caption's image on frames outside every cue (one frame of slack each side).
public struct CaptionMeasurement: Sendable, Equatable {
    public var box: Rect
    public var shown: Double
    public var hidden: Double
    public var framesShown: Int
    public var framesHidden: Int
}

public enum CaptionProbe {
    public static func measure(output: String, job: ResolvedJob, rendition: RenditionSpec, step: Int = 3) throws -> CaptionMeasurement? {
        guard let spec = job.spec.captions, spec.burn, let path = job.captionsPath else { return nil }
        let video = try DecodedVideo(path: output, policy: .default)
        let info = video.info
        let fps = (info.averageFrameRate?.isValid == true ? info.averageFrameRate : info.frameRate)?.double ?? 30
        let width = info.width ?? 0, height = info.height ?? 0
        let bt709 = info.colorSpace == "bt709"
        let mark = try job.spec.watermark.map {
            try WatermarkPlan(spec: $0, fontPath: job.watermarkFontPath, imagePath: job.watermarkImagePath)
                .build(width: width, height: height, safeArea: rendition.safeArea, bt709: bt709).rect
        }
        let timeline = CaptionTimeline(cues: try SubtitleReader.read(path: path), duration: nil)
        let stamp = try CaptionStamp(timeline: timeline, width: width, height: height, safeArea: rendition.safeArea,
                                     style: spec.style, fontPath: job.captionsFontPath ?? JobSpecLoader.defaultFont,
                                     avoiding: mark, bt709: bt709)
        guard let first = timeline.spans.first, let firstImage = try stamp.overlay(at: first.start) else { return nil }
        let hiddenProbe = try MarkProbe(mark: firstImage, width: width, height: height)
        var probes: [Int: MarkProbe] = [:]
        var shown = 0.0, hidden = 0.0, nShown = 0, nHidden = 0
        var n = 0
        while let decoded = try video.next() {
            defer { n += 1 }
            guard n % step == 0, let planes = decoded.frame.planes420 else { continue }
            let t = Double(n) / fps, slack = 1 / fps
            let here = timeline.span(at: t)
            if let span = here, timeline.span(at: t - slack) == span, timeline.span(at: t + slack) == span {
                if probes[span] == nil, let image = try stamp.overlay(at: t) {
                    probes[span] = try MarkProbe(mark: image, width: width, height: height)
                }
                guard let probe = probes[span] else { continue }
                shown += probe.match(planes.y, at: probe.rect)
                nShown += 1
            } else if here == nil, timeline.span(at: t - slack) == nil, timeline.span(at: t + slack) == nil {
                hidden += hiddenProbe.match(planes.y, at: hiddenProbe.rect)
                nHidden += 1
            }
        }
        return CaptionMeasurement(box: stamp.box, shown: nShown > 0 ? shown / Double(nShown) : 0,
                                  hidden: nHidden > 0 ? hidden / Double(nHidden) : 0, framesShown: nShown, framesHidden: nHidden)
    }
}
