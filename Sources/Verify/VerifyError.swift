import Job

/// Errors of verification itself (not failed checks: those are rows of a report).
public struct VerifyError: Error, CustomStringConvertible, Sendable {
    enum Kind: Sendable {
        case unknownPlatform(String)
        case manifest(path: String, reason: String)
        case measurement(file: String, reason: String)
        case samples(String)
    }
    let kind: Kind

    public var description: String {
        switch kind {
        case .unknownPlatform(let p):
            return "unknown platform '\(p)' (known: \(PlatformSpec.all.map(\.name).joined(separator: ", ")))"
        case .manifest(let path, let reason): return "\(path): \(reason)"
        case .measurement(let file, let reason): return "\(file): cannot measure: \(reason)"
        case .samples(let text): return text
        }
    }

    static func unknownPlatform(_ p: String) -> VerifyError { .init(kind: .unknownPlatform(p)) }
    static func manifest(_ path: String, _ reason: String) -> VerifyError { .init(kind: .manifest(path: path, reason: reason)) }
    static func measurement(_ file: String, _ reason: String) -> VerifyError { .init(kind: .measurement(file: file, reason: reason)) }
    package static func samples(_ text: String) -> VerifyError { .init(kind: .samples(text)) }
}
