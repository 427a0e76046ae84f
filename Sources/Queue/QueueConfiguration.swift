import Foundation

/// Settings shared by both drivers.
public struct QueueConfiguration: Sendable {
    public var clock: QueueClock
    public var backoff: Backoff
    /// Used when `enqueue` is not given `maxAttempts`.
    public var defaultMaxAttempts: Int
    /// Log tails are cut to their last `logTailLimit` bytes.
    public var logTailLimit: Int
    /// SQLite: how long a writer waits for another writer's lock.
    public var busyTimeout: TimeInterval
    /// PostgreSQL: how long one queue operation may wait (for a connection and the server) before it
    /// fails with ``QueueError/Code/timeout``. The pool itself would wait up to a minute while the server is down.
    public var operationTimeout: Duration
    /// PostgreSQL: the LISTEN/NOTIFY channel that wakes idle workers.
    public var notifyChannel: String
    /// PostgreSQL: connections in the pool (plus one for LISTEN).
    public var maxConnections: Int
    /// PostgreSQL: `claim` looks for expired leases at most this often per queue instance (seconds of queue-clock
    /// time). SQLite checks on every claim, inside the claim's transaction, where it costs no round trip.
    public var rescueInterval: TimeInterval

    public init(
        clock: QueueClock = .system,
        backoff: Backoff = .default,
        defaultMaxAttempts: Int = 5,
        logTailLimit: Int = 8192,
        busyTimeout: TimeInterval = 5,
        operationTimeout: Duration = .seconds(15),
        notifyChannel: String = "mediaworker_jobs",
        maxConnections: Int = 8,
        rescueInterval: TimeInterval = 1
    ) {
        self.clock = clock
        self.backoff = backoff
        self.defaultMaxAttempts = defaultMaxAttempts
        self.logTailLimit = logTailLimit
        self.busyTimeout = busyTimeout
        self.operationTimeout = operationTimeout
        self.notifyChannel = notifyChannel
        self.maxConnections = maxConnections
        self.rescueInterval = rescueInterval
    }
}
