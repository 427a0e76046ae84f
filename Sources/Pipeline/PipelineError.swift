import Job

/// Errors of the pipeline (job specs, templates, publishing, the frame core). Media and imaging errors
/// pass through unchanged; these are the pipeline's own.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    enum Kind: Sendable {
        case invalidSpec(field: String, reason: String)
        case noVideo(file: String)
        case publish(path: String, reason: String)
        case internalFailure(String)
        case cancelled
        /// Strict renditions' outputs broke their platform's rules (`refused`); `all` is every rendition's finding.
        case specViolations(refused: [RenditionFinding], all: [RenditionFinding])
        /// Strict renditions whose platform rules the input breaks, found before encoding.
        case platformRefused([RenditionFinding])
    }
    let kind: Kind

    public var description: String {
        switch kind {
        case .invalidSpec(let field, let reason): return "\(field): \(reason)"
        case .noVideo(let file): return "\(file): no video stream (an audio-only or image-less file cannot be processed)"
        case .publish(let path, let reason): return "\(path): cannot publish outputs: \(reason)"
        case .internalFailure(let text): return "internal failure: \(text)"
        case .cancelled: return "cancelled"
        case .specViolations(let refused, _):
            return "outputs of renditions with platform_check 'fail' violate the platform spec: "
                + refused.map(\.description).joined(separator: "; ")
        case .platformRefused(let refused):
            return "refused before encoding, the input cannot meet the platform spec of renditions with platform_check 'fail': "
                + refused.map(\.description).joined(separator: "; ")
        }
    }

    /// The spec field an invalid-spec error names (`renditions[0].width`).
    public var field: String? {
        if case .invalidSpec(let field, _) = kind { return field }
        return nil
    }
    public var isCancelled: Bool { if case .cancelled = kind { return true } else { return false } }
    public var isInvalidSpec: Bool { field != nil }
    public var isNoVideo: Bool { if case .noVideo = kind { return true } else { return false } }
    /// A strict rendition's platform rule failed (before or after encoding): the same input fails the same way.
    public var isSpecViolation: Bool {
        switch kind {
        case .specViolations, .platformRefused: return true
        default: return false
        }
    }
    /// The platform findings a failed job had: every checked rendition's after encoding, the refused ones
    /// before (for the attempt's log, since a failed job publishes no `result.json`).
    public var platformFindings: [RenditionFinding] {
        switch kind {
        case .specViolations(_, let all): return all
        case .platformRefused(let refused): return refused
        default: return []
        }
    }

    public static func invalidSpec(_ field: String, _ reason: String) -> PipelineError { .init(kind: .invalidSpec(field: field, reason: reason)) }
    public static func noVideo(_ file: String) -> PipelineError { .init(kind: .noVideo(file: file)) }
    public static func publish(_ path: String, _ reason: String) -> PipelineError { .init(kind: .publish(path: path, reason: reason)) }
    public static func internalFailure(_ text: String) -> PipelineError { .init(kind: .internalFailure(text)) }
    public static let cancelled = PipelineError(kind: .cancelled)
    public static func specViolations(_ refused: [RenditionFinding], all: [RenditionFinding]) -> PipelineError {
        .init(kind: .specViolations(refused: refused, all: all))
    }
    public static func platformRefused(_ refused: [RenditionFinding]) -> PipelineError { .init(kind: .platformRefused(refused)) }
}
