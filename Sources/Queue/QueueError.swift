import Foundation

/// Errors of the queue. A struct wrapping a private enum (hummingbird's `PersistError` style), so new codes
/// don't break callers: match on ``code``.
public struct QueueError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case notFound = "not found"
            case staleToken = "stale token"
            case invalidTransition = "invalid transition"
            case invalidArgument = "invalid argument"
            case invalidURL = "invalid queue URL"
            case database = "database error"
            case timeout = "timeout"
            case corruptRow = "corrupt row"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No job with that id.
        public static let notFound = Code(.notFound)
        /// The fencing token is stale: the job was re-claimed since, or is no longer running with that
        /// attempt. The call changed nothing; the worker must stop working on the job.
        public static let staleToken = Code(.staleToken)
        /// Another name for ``staleToken``: the worker lost its lease.
        public static let leaseLost = Code(.staleToken)
        /// The job's state does not allow the operation (retrying a running job, cancelling a finished one).
        public static let invalidTransition = Code(.invalidTransition)
        public static let invalidArgument = Code(.invalidArgument)
        public static let invalidURL = Code(.invalidURL)
        /// The database refused or failed the statement (the cause is in ``QueueError/underlying``).
        public static let database = Code(.database)
        /// The database did not answer in time (server down, pool exhausted).
        public static let timeout = Code(.timeout)
        /// A stored value could not be read back (unknown state name, …).
        public static let corruptRow = Code(.corruptRow)

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// One line saying what failed, on which job.
    public let message: String
    /// The cause, when it came from the database driver.
    public let underlying: (any Error)?

    init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return "\(code): \(message)" }
        return "\(code): \(message): \(Self.describe(underlying))"
    }

    /// One line for a driver error. PostgresNIO's `PSQLError.description` hides the server's message; its
    /// `debugDescription` has it.
    static func describe(_ error: any Error) -> String {
        if let queueError = error as? QueueError { return queueError.description }
        let text = String(reflecting: error)
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

extension QueueError {
    static func notFound(_ id: String) -> QueueError { .init(.notFound, "no job \(id)") }

    static func staleToken(_ id: String, token: Int) -> QueueError {
        .init(.staleToken, "job \(id): fencing token \(token) is stale (lease lost: re-claimed or no longer running)")
    }

    static func invalidTransition(_ id: String, from state: JobState, action: String) -> QueueError {
        .init(.invalidTransition, "job \(id): cannot \(action) a \(state.rawValue) job")
    }

    static func invalidArgument(_ message: String) -> QueueError { .init(.invalidArgument, message) }

    static func database(_ operation: String, _ error: any Error) -> QueueError {
        if let queueError = error as? QueueError { return queueError }
        return .init(.database, operation, underlying: error)
    }
}
