/// Errors of the server's set-up (not of requests: those are ``HookError`` and HTTP errors).
/// A struct wrapping a private enum, so new codes don't break callers: match on ``code``.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case configuration = "configuration"
            case listen = "listen address"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        public static let configuration = Code(.configuration)
        public static let listen = Code(.listen)
        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func configuration(_ message: String) -> ServerError { .init(.configuration, message) }
    static func listen(_ message: String) -> ServerError { .init(.listen, message) }
}
