import Foundation
import Job
import Media
import Pipeline

/// A job's captions, read before the one decode.
struct LoadedCaptions {
    var spec: CaptionsSpec
    var timeline: CaptionTimeline
    var fontPath: String
    /// Placement notes from the renditions' stamps (set while the frame core builds them).
    let placements = PlacementNotes()
}

final class PlacementNotes: @unchecked Sendable {
    // Written by the frame core's setup (one thread, before the stages start), read after the run.
    private let lock = NSLock()
    private var notes: [String: String] = [:]
    func set(_ rendition: String, _ note: String) { lock.withLock { notes[rendition] = note } }
    var all: [String: String] { lock.withLock { notes } }
}

extension JobRunner {
    /// The captions file read with FFmpeg's SRT/WebVTT demuxer and decoder; its cues cut to the video's length.
    static func loadCaptions(_ job: ResolvedJob, duration: Double? = nil, timings: inout [String: Double]) throws -> LoadedCaptions? {
        guard let spec = job.spec.captions, let path = job.captionsPath else { return nil }
        let t0 = monotonicSeconds()
        defer { timings["captions-read"] = monotonicSeconds() - t0 }
        let cues: [SubtitleCue]
        do { cues = try SubtitleReader.read(path: path) } catch {
            throw JobSpecError("captions.file", "'\(spec.file)': \(error)")
        }
        let timeline = CaptionTimeline(cues: cues, duration: duration.flatMap { $0 > 0 ? $0 : nil })
        guard !timeline.cues.isEmpty else { throw JobSpecError("captions.file", "'\(spec.file)' has no cues with text") }
        return LoadedCaptions(spec: spec, timeline: timeline, fontPath: job.captionsFontPath ?? JobSpecLoader.defaultFont)
    }

    /// Each rendition's plan with its captions factory (jobs that burn captions).
    static func attachCaptions(_ captions: LoadedCaptions?, job: ResolvedJob, to plans: [RenditionPlan]) throws -> [RenditionPlan] {
        guard let captions, captions.spec.burn else { return plans }
        return zip(plans, job.spec.renditions).map { plan, r in
            var plan = plan
            let timeline = captions.timeline, style = captions.spec.style, font = captions.fontPath, safe = r.safeArea
            let notes = captions.placements, name = r.name
            plan.captionsFactory = { w, h, bt709, mark in
                let stamp = try CaptionStamp(timeline: timeline, width: w, height: h, safeArea: safe, style: style,
                                             fontPath: font, avoiding: mark, bt709: bt709)
                if let note = stamp.placement { notes.set(name, note) }
                return stamp
            }
            return plan
        }
    }

    /// The sidecar (`captions.<language>.vtt`) written into the staging folder and listed; the report.
    static func publishCaptions(_ captions: LoadedCaptions?, job: ResolvedJob, staging: String,
                                outputs: inout [JobResult.Output]) throws -> CaptionsReport? {
        guard let captions else { return nil }
        var report = CaptionsReport(language: captions.spec.language, cues: captions.timeline.cues.count,
                                    burned: captions.spec.burn && !job.spec.renditions.isEmpty)
        if captions.spec.sidecar {
            let name = "captions.\(captions.spec.language)"
            let path = staging + "/" + name + ".vtt"
            try Data(WebVTTWriter.text(captions.timeline.cues, language: captions.spec.language).utf8)
                .write(to: URL(fileURLWithPath: path))
            var o = try JobResult.Output.file(kind: "captions", name: name, path: path, base: staging)
            o.language = captions.spec.language
            outputs.append(o)
            report.sidecar = o.path
        }
        let notes = captions.placements.all
        if !notes.isEmpty {
            report.placement = notes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        }
        return report
    }
}
