import Job
import Media

/// The platform rules a strict rendition (`"platform_check": "fail"`) can have decided from the probe alone —
/// duration, frame rate (after its `fps_min`/`fps_max` mapping), size, audio — checked before the frame core
/// starts, so a job that could never pass fails in milliseconds instead of after a full encode.
package enum PlatformPreflight {
    package static func check(spec: JobSpec, plans: [RenditionPlan], probe: InputContainer, videoIndex: Int,
                      platforms: PlatformRules) throws {
        let strict = spec.renditions.indices.filter { spec.renditions[$0].platformCheck == .fail && spec.renditions[$0].platform != nil }
        guard !strict.isEmpty else { return }
        let info = probe.streamInfo(videoIndex)
        let sourceRate = probe.frameRate(of: videoIndex)
        let duration = info.duration ?? probe.durationSeconds
        let audio: PlannedAudio? = probe.bestStream(.audio) == nil ? nil : .output
        var refused: [RenditionFinding] = []
        for i in strict {
            let r = spec.renditions[i]
            guard let platform = r.platform else { continue }
            let planned = try plan(plans[i], source: info, sourceRate: sourceRate, duration: duration, audio: audio)
            let violations = try platforms.planned(platform, planned)
            if !violations.isEmpty {
                refused.append(RenditionFinding(rendition: r.name, finding: PlatformFinding(name: platform, violations: violations)))
            }
        }
        if !refused.isEmpty { throw PipelineError.platformRefused(refused) }
    }

    /// What the frame core will make of this source for `plan`: its size, rate and audio.
    package static func plan(_ plan: RenditionPlan, source: StreamInfo, sourceRate: Rational?, duration: Double?,
                     audio: PlannedAudio?) throws -> PlannedOutput {
        let g = try Geometry.compute(codedWidth: source.width ?? 0, codedHeight: source.height ?? 0,
                                     sampleAspect: source.sampleAspectRatio?.double ?? 1, rotation: source.rotation ?? 0,
                                     width: plan.width, height: plan.height, fit: plan.fit)
        return PlannedOutput(width: g.outputWidth, height: g.outputHeight, frameRate: plan.frameRate(source: sourceRate).double,
                             duration: duration, audio: audio)
    }
}
