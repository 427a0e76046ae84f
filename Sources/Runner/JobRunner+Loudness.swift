import Foundation
import Job
import Media
import Pipeline

extension JobRunner {
    /// The first pass of loudness normalisation: the input's audio alone, measured; the gain decided.
    /// Nil when the job asks for none or the input has no audio.
    static func measureLoudness(_ job: ResolvedJob, probe: InputContainer, options: CoreOptions,
                                timings: inout [String: Double]) throws -> (LoudnessFigures, LoudnessDecision)? {
        guard let target = job.spec.audio, probe.bestStream(.audio) != nil else { return nil }
        let t0 = monotonicSeconds()
        defer { timings["loudness-scan"] = monotonicSeconds() - t0 }
        guard let before = try LoudnessScan.measure(path: job.inputPath, policy: options.policy, cancel: options.cancel) else { return nil }
        var decision = LoudnessDecision.decide(before, target: target)
        if decision.limiter {
            // What the limiter leaves, measured with the decision applied (audio only again), made up once.
            let limited = try LoudnessScan.measure(path: job.inputPath, policy: options.policy, cancel: options.cancel,
                                                   processing: LoudnessProcessor(decision: decision))
            decision = decision.compensated(limited: limited?.integrated, target: target)
        }
        return (before, decision)
    }

    /// Every video output's encoded audio measured (they share packets per bitrate, so each distinct bitrate is
    /// decoded once); the job's report with the first output's figures as `after`.
    static func recordLoudness(_ outputs: inout [JobResult.Output], staging: String, spec: JobSpec,
                               measured: (LoudnessFigures, LoudnessDecision)?, options: CoreOptions,
                               timings: inout [String: Double]) throws -> LoudnessReport? {
        guard let target = spec.audio, let (before, decision) = measured else { return nil }
        let t0 = monotonicSeconds()
        defer { timings["loudness-check"] = monotonicSeconds() - t0 }
        var byBitrate: [Int: LoudnessFigures] = [:]
        for i in outputs.indices where outputs[i].kind == "video" {
            let bitrate = spec.renditions.first { $0.name == outputs[i].name }?.audioBitrateKbps ?? 0
            if byBitrate[bitrate] == nil {
                byBitrate[bitrate] = try LoudnessScan.measure(path: staging + "/" + outputs[i].path, cancel: options.cancel)
            }
            outputs[i].loudness = byBitrate[bitrate]
        }
        return LoudnessReport(targetLoudness: target.loudness, targetTruePeak: target.truePeak, before: before,
                              gainDB: decision.gainDB, limiter: decision.limiter, note: decision.note,
                              after: outputs.first { $0.loudness != nil }?.loudness)
    }
}
