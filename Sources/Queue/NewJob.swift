import Foundation

/// A job to enqueue.
public struct NewJob: Sendable, Hashable {
    /// The job specification, as JSON text.
    public var spec: String
    /// Idempotency key; `nil` uses the new job's id (never collides).
    public var key: String?
    /// Higher runs first.
    public var priority: Int
    /// `nil` uses ``QueueConfiguration/defaultMaxAttempts``.
    public var maxAttempts: Int?
    /// `nil` means now.
    public var runAt: Date?

    public init(spec: String, key: String? = nil, priority: Int = 0, maxAttempts: Int? = nil, runAt: Date? = nil) {
        self.spec = spec
        self.key = key
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.runAt = runAt
    }
}

/// The answer to `enqueue`.
public struct EnqueueResult: Sendable, Hashable {
    public var job: JobRecord
    /// `true` when a job with the same key already existed: `job` is that job, unchanged.
    public var existing: Bool

    public init(job: JobRecord, existing: Bool) {
        self.job = job
        self.existing = existing
    }
}

/// How an attempt failed, for `fail`.
public struct AttemptFailure: Sendable, Hashable {
    public var error: String
    public var logTail: String?
    public var outcome: AttemptOutcome
    /// `false` sends the job to `dead` at once.
    public var retryable: Bool

    public init(error: String, logTail: String? = nil, outcome: AttemptOutcome = .failed, retryable: Bool = true) {
        self.error = error
        self.logTail = logTail
        self.outcome = outcome
        self.retryable = retryable
    }
}
