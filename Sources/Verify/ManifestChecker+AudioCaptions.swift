import Foundation
import Job
import Pipeline

extension ManifestChecker {
    /// The encoded audio's loudness, measured again (libebur128) from the output.
    static func loudness(_ path: String, expected e: ExpectedLoudness, rows: inout Rows) {
        do {
            guard let f = try LoudnessScan.measure(path: path), let i = f.integrated, let tp = f.truePeak else {
                rows.add("loudness", "audio", "no audio or silent", false)
                return
            }
            rows.add("loudness.integrated", String(format: "%.1f ± %.1f LUFS", e.integrated.baseline, e.integrated.tolerance),
                     String(format: "%.2f LUFS", i), e.integrated.accepts(i))
            rows.add("loudness.true_peak", String(format: "≤ %.1f dBTP", e.truePeak.ceiling), String(format: "%.2f dBTP", tp),
                     tp <= e.truePeak.ceiling + 1e-9)
        } catch {
            rows.add("loudness", "measurable", "\(error)", false)
        }
    }

    static func captions(_ path: String, expected e: ExpectedCaptions, job: ResolvedJob, rows: inout Rows) {
        guard let rendition = job.spec.renditions.first(where: { $0.name == rows.output }) else {
            rows.add("captions", "a rendition named \(rows.output)", "none in the job", false)
            return
        }
        do {
            guard let m = try CaptionProbe.measure(output: path, job: job, rendition: rendition) else {
                rows.add("captions", "burned-in captions", "the job burns none", false)
                return
            }
            rows.add("captions.box", "\(e.box)", "\(m.box)", m.box == e.box)
            rows.add("captions.shown", String(format: "match ≥ %.3f", e.shown.floor),
                     String(format: "%.3f over %d frames", m.shown, m.framesShown), m.shown >= e.shown.floor && m.framesShown > 0)
            rows.add("captions.hidden", String(format: "match ≤ %.3f", e.hidden.ceiling),
                     String(format: "%.3f over %d frames", m.hidden, m.framesHidden), m.hidden <= e.hidden.ceiling)
        } catch {
            rows.add("captions", "measurable", "\(error)", false)
        }
    }

    static func sidecar(_ path: String, expected e: ExpectedSidecar, rows: inout Rows) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            rows.add("sidecar", "a UTF-8 WebVTT file", "unreadable", false)
            return
        }
        let facts = ManifestRecorder.sidecarFacts(text)
        rows.add("sidecar.webvtt", "WEBVTT header", facts.header ? "present" : "missing", facts.header)
        rows.equal("sidecar.language", e.language, facts.language)
        rows.equal("sidecar.cues", e.cues, facts.cues)
    }
}

extension ManifestRecorder {
    static func sidecarFacts(_ text: String) -> (header: Bool, language: String?, cues: Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let language = lines.first { $0.hasPrefix("Language: ") }.map { String($0.dropFirst("Language: ".count)) }
        return (text.hasPrefix("WEBVTT"), language, lines.filter { $0.contains(" --> ") }.count)
    }

    static func loudness(_ job: ResolvedJob) -> ExpectedLoudness? {
        job.spec.audio.map {
            ExpectedLoudness(integrated: Tolerance(baseline: $0.loudness, tolerance: 1), truePeak: Ceiling(baseline: $0.truePeak, ceiling: $0.truePeak + 0.2))
        }
    }

    static func captions(_ path: String, job: ResolvedJob, rendition: RenditionSpec, margins m: Margins) throws -> ExpectedCaptions? {
        try CaptionProbe.measure(output: path, job: job, rendition: rendition).map { c in
            ExpectedCaptions(box: c.box, shown: Floor(baseline: round(c.shown, 4), floor: round(c.shown * (1 - m.watermarkFraction), 4)),
                             hidden: Ceiling(baseline: round(c.hidden, 4), ceiling: round(max(0, c.hidden) + m.watermarkElsewhere, 4)))
        }
    }
}
