import Foundation

/// The queue contract. Two drivers implement it: ``SQLiteJobQueue`` (one machine) and ``PostgresJobQueue``
/// (many machines). Both follow the same state machine (see ``JobState``):
///
/// - `claim` takes the runnable job (state `queued`, or `failed` with `run_at` reached) with the highest
///   priority, then the earliest `run_at`, then the oldest, marks it `running` under a lease, counts an
///   attempt, opens an attempt row, and returns the **fencing token** (the attempt number). It first rescues
///   running jobs whose lease expired (`rescueExpired`), so those count as runnable.
/// - `heartbeat`, `complete`, `fail` and `releaseLease` carry the token; a stale token (the job was
///   re-claimed, or is no longer running with that attempt) throws ``QueueError/Code/staleToken`` and changes
///   nothing.
/// - Operators: `enqueue` (idempotent by key), `retry`, `retryAll`, `cancel`, `purge`, `stats`.
public protocol JobQueue: Sendable {
    /// Adds a job, or returns the existing one with the same key (`existing == true`, nothing changed).
    func enqueue(_ job: NewJob) async throws -> EnqueueResult
    /// The job, or `nil` when there is no such id.
    func job(_ id: String) async throws -> JobRecord?
    /// Newest first; `state == nil` lists every state.
    func list(state: JobState?, limit: Int) async throws -> [JobRecord]
    /// Attempt rows of a job, oldest first.
    func attempts(jobID: String) async throws -> [AttemptRecord]

    /// Claims the next runnable job for `workerID`, leased for `leaseSeconds`; `nil` when nothing is runnable.
    func claim(workerID: String, leaseSeconds: TimeInterval) async throws -> ClaimedJob?
    /// Extends the lease to now + `leaseSeconds` and records `progress` (when not `nil`). Tells the worker to
    /// stop when an operator cancelled the job.
    func heartbeat(jobID: String, token: Int, progress: Double?, leaseSeconds: TimeInterval) async throws
        -> HeartbeatSignal
    /// running → succeeded, with the result JSON.
    func complete(jobID: String, token: Int, result: String?) async throws
    /// running → failed (runs again after backoff) | dead (not retryable, or attempts exhausted) |
    /// cancelled (cancel requested, or outcome `cancelled`). Returns the new state.
    @discardableResult
    func fail(jobID: String, token: Int, failure: AttemptFailure) async throws -> JobState
    /// Graceful shutdown: running → queued at once (run_at now). The attempt row is closed as `released` and the
    /// attempt is given back (`attempts` − 1); the claim number (the token) is not reused.
    func releaseLease(jobID: String, token: Int) async throws
    /// Running jobs whose lease expired → failed (runnable at once: the worker died, not necessarily the job),
    /// dead (attempts exhausted), or cancelled (a cancel was requested); their attempt rows close as
    /// `lost_lease`. Returns how many were rescued.
    @discardableResult
    func rescueExpired() async throws -> Int

    /// failed | dead | cancelled | succeeded → queued, run_at now (see ``JobTransitions`` for the attempt budget).
    @discardableResult
    func retry(_ id: String) async throws -> JobRecord
    /// Retries every job in `state` (`.failed` or `.dead`); with `dryRun` only counts them.
    func retryAll(state: JobState, dryRun: Bool) async throws -> Int
    /// queued | failed → cancelled at once; running → cancel requested (the worker sees it on its next heartbeat).
    @discardableResult
    func cancel(_ id: String) async throws -> JobRecord
    /// Deletes finished jobs (succeeded, dead, cancelled) that finished more than `age` seconds ago, with their
    /// attempt rows. Returns how many jobs were deleted.
    func purge(finishedOlderThan age: TimeInterval) async throws -> Int
    func stats() async throws -> QueueStats

    /// Waits until a job may be runnable: returns `true` early when a job is enqueued or retried (PostgreSQL:
    /// NOTIFY from any machine; SQLite: this process), `false` after `timeout` (callers then poll).
    func waitForWork(timeout: Duration) async -> Bool
    /// Releases connections. The queue must not be used afterwards.
    func close() async
}

extension JobQueue {
    @discardableResult
    public func enqueue(
        spec: String, key: String? = nil, priority: Int = 0, maxAttempts: Int? = nil, runAt: Date? = nil
    ) async throws -> EnqueueResult {
        try await enqueue(NewJob(spec: spec, key: key, priority: priority, maxAttempts: maxAttempts, runAt: runAt))
    }

    @discardableResult
    public func fail(
        jobID: String, token: Int, error: String, logTail: String? = nil, outcome: AttemptOutcome = .failed,
        retryable: Bool = true
    ) async throws -> JobState {
        try await fail(
            jobID: jobID, token: token,
            failure: AttemptFailure(error: error, logTail: logTail, outcome: outcome, retryable: retryable))
    }

    public func list(state: JobState? = nil) async throws -> [JobRecord] {
        try await list(state: state, limit: 100)
    }
}

enum QueueValidation {
    static func newJob(_ job: NewJob, defaultMaxAttempts: Int) throws -> Int {
        let maxAttempts = job.maxAttempts ?? defaultMaxAttempts
        guard maxAttempts >= 1 else { throw QueueError.invalidArgument("maxAttempts must be at least 1, not \(maxAttempts)") }
        if let key = job.key, key.isEmpty { throw QueueError.invalidArgument("an idempotency key must not be empty") }
        return maxAttempts
    }

    static func lease(_ seconds: TimeInterval) throws {
        guard seconds > 0, seconds.isFinite else {
            throw QueueError.invalidArgument("leaseSeconds must be positive, not \(seconds)")
        }
    }

    static func progress(_ progress: Double?) -> Double? {
        guard let progress, progress.isFinite else { return nil }
        return min(max(progress, 0), 1)
    }

    static func retryAllState(_ state: JobState) throws {
        guard state == .failed || state == .dead else {
            throw QueueError.invalidArgument("retryAll takes failed or dead, not \(state.rawValue)")
        }
    }
}
