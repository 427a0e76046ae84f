import Foundation

/// How one attempt ended.
public enum AttemptOutcome: String, Sendable, Codable, CaseIterable, Hashable {
    case succeeded
    case failed
    /// The child process crashed (signal, non-zero exit without a result).
    case crashed
    case timedOut = "timed_out"
    /// No progress for too long.
    case stalled
    case cancelled
    /// The lease expired before the worker reported back (worker presumed dead).
    case lostLease = "lost_lease"
    /// The worker gave the lease back (graceful shutdown); the attempt did not count.
    case released
}

/// One row of `job_attempts`: one claim of a job by a worker.
public struct AttemptRecord: Sendable, Hashable, Codable {
    public var jobID: String
    /// 1, 2, …: the claim number, which is also the fencing token of that claim.
    public var attempt: Int
    public var workerID: String
    public var startedAt: Date
    /// `nil` while the attempt runs.
    public var endedAt: Date?
    /// `nil` while the attempt runs.
    public var outcome: AttemptOutcome?
    public var error: String?
    /// The last lines the attempt logged, capped (see ``QueueConfiguration/logTailLimit``).
    public var logTail: String?
    /// Progress reached when the attempt ended.
    public var progress: Double?

    public init(
        jobID: String, attempt: Int, workerID: String, startedAt: Date, endedAt: Date?, outcome: AttemptOutcome?,
        error: String?, logTail: String?, progress: Double?
    ) {
        self.jobID = jobID
        self.attempt = attempt
        self.workerID = workerID
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.error = error
        self.logTail = logTail
        self.progress = progress
    }
}

public enum LogTail {
    /// The last `limit` bytes of `text`, cut on a UTF-8 character boundary.
    public static func cap(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var start = utf8.index(utf8.endIndex, offsetBy: -limit)
        // Skip UTF-8 continuation bytes (10xxxxxx) so the tail starts on a character.
        while start < utf8.endIndex, utf8[start] & 0xC0 == 0x80 { start = utf8.index(after: start) }
        return String(text[start...])
    }
}
