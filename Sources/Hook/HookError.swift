import Foundation

/// Why the upload hook refused a delivery. A struct wrapping a private enum (new codes don't break callers);
/// each code is one kind of ``Refusal``, which the server maps to an HTTP status (`HookError+HTTP.swift`), and the message says why in one line.
public struct HookError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unsigned = "unsigned"
            case malformedSignature = "malformed signature"
            case badSignature = "bad signature"
            case stale = "stale signature"
            case bodyTooLarge = "body too large"
            case malformed = "malformed payload"
            case pathRefused = "path refused"
            case invalidSpec = "invalid job spec"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No `Mediaworker-Signature` header (401).
        public static let unsigned = Code(.unsigned)
        /// The header is not `t=…,v1=…` (401).
        public static let malformedSignature = Code(.malformedSignature)
        /// No v1 matches any secret (401).
        public static let badSignature = Code(.badSignature)
        /// `t` is too far from now (401).
        public static let stale = Code(.stale)
        /// The body exceeds the limit (413).
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// Not JSON, or not one of the three payloads (400).
        public static let malformed = Code(.malformed)
        /// The input does not resolve inside the upload root (400).
        public static let pathRefused = Code(.pathRefused)
        /// The job spec built from the payload is invalid (400).
        public static let invalidSpec = Code(.invalidSpec)

        public var description: String { value.rawValue }

        /// What kind of refusal this is; the server answers each kind with one HTTP status. A switch over every
        /// code, so a new code cannot be added without deciding its kind.
        public var refusal: Refusal {
            switch value {
            case .unsigned, .malformedSignature, .badSignature, .stale: return .unauthenticated
            case .bodyTooLarge: return .tooLarge
            case .malformed, .pathRefused, .invalidSpec: return .invalid
            }
        }
    }

    /// The sender did not prove who it is (401), sent too much (413), or sent something that cannot become a
    /// job (400).
    public enum Refusal: Sendable {
        case unauthenticated, tooLarge, invalid
    }

    public let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    package static let unsigned = HookError(.unsigned, "the request has no \(HookSignature.headerName) header")
    package static let badSignature = HookError(.badSignature, "no v1 signature matches a configured secret")
    package static func malformedSignature(_ why: String) -> HookError { .init(.malformedSignature, why) }
    package static func stale(_ timestamp: Int, now: Date) -> HookError {
        // t is the sender's: near Int.min it is more than Int.max seconds away, and Int(distance) would trap.
        let distance = abs(now.timeIntervalSince1970 - Double(timestamp))
        let away = distance < 1e15 ? "\(Int(distance)) s" : "more than 10^15 s"
        return .init(.stale, "t=\(timestamp) is \(away) from now")
    }
    package static func bodyTooLarge(_ limit: Int) -> HookError { .init(.bodyTooLarge, "the body exceeds \(limit) bytes") }
    package static func malformed(_ why: String) -> HookError { .init(.malformed, why) }
    package static func pathRefused(_ why: String) -> HookError { .init(.pathRefused, why) }
    package static func invalidSpec(_ why: String) -> HookError { .init(.invalidSpec, why) }
}
