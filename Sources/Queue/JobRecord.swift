import Foundation

/// One row of the `jobs` table: everything an operator or a worker can know about a job.
public struct JobRecord: Sendable, Hashable, Codable {
    /// A sortable random id (ULID-style: 48-bit millisecond time + 80 random bits, Crockford base 32).
    public var id: String
    /// The idempotency key: enqueuing an existing key returns the existing job.
    public var key: String
    public var state: JobState
    /// Higher runs first.
    public var priority: Int
    /// Not claimable before this instant (UTC).
    public var runAt: Date
    /// Attempts that consumed the retry budget (a released lease gives its attempt back).
    public var attempts: Int
    public var maxAttempts: Int
    /// Every claim ever made; the latest claim's fencing token and attempt-row number.
    /// Equal to `attempts` unless leases were released or the job was re-run by an operator.
    public var claims: Int
    /// The job's specification, as JSON text (the queue does not interpret it).
    public var spec: String
    /// The result, as JSON text, once succeeded.
    public var result: String?
    /// The last error text.
    public var error: String?
    /// Progress of the current or last attempt, 0…1.
    public var progress: Double?
    public var leaseUntil: Date?
    public var workerID: String?
    /// An operator asked to cancel the running job; the worker learns it on its next heartbeat.
    public var cancelRequested: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    public init(
        id: String, key: String, state: JobState, priority: Int, runAt: Date, attempts: Int, maxAttempts: Int,
        claims: Int, spec: String, result: String?, error: String?, progress: Double?, leaseUntil: Date?,
        workerID: String?, cancelRequested: Bool, createdAt: Date, updatedAt: Date, finishedAt: Date?
    ) {
        self.id = id
        self.key = key
        self.state = state
        self.priority = priority
        self.runAt = runAt
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.claims = claims
        self.spec = spec
        self.result = result
        self.error = error
        self.progress = progress
        self.leaseUntil = leaseUntil
        self.workerID = workerID
        self.cancelRequested = cancelRequested
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.finishedAt = finishedAt
    }
}
