import Foundation

/// Where the queue reads the time. Every timestamp the queue writes (run_at, leases, backoff, created_at)
/// comes from here, never from the database server, so tests can move time without sleeping.
public struct QueueClock: Sendable {
    private let provider: @Sendable () -> Date

    public init(_ now: @escaping @Sendable () -> Date) {
        self.provider = now
    }

    public func now() -> Date { provider() }

    public static let system = QueueClock { Date() }
}
