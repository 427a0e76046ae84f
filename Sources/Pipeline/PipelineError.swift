/// Errors of the pipeline (job specs, templates, publishing, the frame core). Media and imaging errors
/// pass through unchanged; these are the pipeline's own.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    enum Kind: Sendable {
        case invalidSpec(field: String, reason: String)
        case noVideo(file: String)
        case publish(path: String, reason: String)
        case internalFailure(String)
        case cancelled
        case specViolations([String])
    }
    let kind: Kind

    public var description: String {
        switch kind {
        case .invalidSpec(let field, let reason): return "\(field): \(reason)"
        case .noVideo(let file): return "\(file): no video stream (an audio-only or image-less file cannot be processed)"
        case .publish(let path, let reason): return "\(path): cannot publish outputs: \(reason)"
        case .internalFailure(let text): return "internal failure: \(text)"
        case .cancelled: return "cancelled"
        case .specViolations(let list): return "outputs violate the platform spec: " + list.joined(separator: "; ")
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
    public var isSpecViolation: Bool { if case .specViolations = kind { return true } else { return false } }

    public static func invalidSpec(_ field: String, _ reason: String) -> PipelineError { .init(kind: .invalidSpec(field: field, reason: reason)) }
    public static func noVideo(_ file: String) -> PipelineError { .init(kind: .noVideo(file: file)) }
    public static func publish(_ path: String, _ reason: String) -> PipelineError { .init(kind: .publish(path: path, reason: reason)) }
    public static func internalFailure(_ text: String) -> PipelineError { .init(kind: .internalFailure(text)) }
    public static let cancelled = PipelineError(kind: .cancelled)
    public static func specViolations(_ list: [String]) -> PipelineError { .init(kind: .specViolations(list)) }
}
