import Foundation
import GRDB
import Logging

// The worker's side: claim, heartbeat, complete, fail, release, rescue.
extension SQLiteJobQueue {
    /// The claim and rescue queries name their partial indexes (`INDEXED BY`): left to itself, SQLite's planner
    /// picks `jobs_state_created` and sorts every runnable row on each claim.
    public func claim(workerID: String, leaseSeconds: TimeInterval) async throws -> ClaimedJob? {
        try QueueValidation.lease(leaseSeconds)
        let now = now()
        let leaseUntil = now.addingTimeInterval(leaseSeconds)
        let configuration = configuration
        let (claimed, rescued) = try await write("claim") { db -> (ClaimedJob?, [RescuedJob]) in
            let rescued = try Self.rescue(db, now: now, configuration: configuration)
            guard
                let id = try String.fetchOne(
                    db,
                    sql: """
                        SELECT id FROM jobs INDEXED BY jobs_runnable
                        WHERE state IN ('queued', 'failed') AND run_at <= ?
                        ORDER BY priority DESC, run_at, rowid
                        LIMIT 1
                        """,
                    arguments: [now.unixSeconds])
            else { return (nil, rescued) }
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        UPDATE jobs SET state = 'running', attempts = attempts + 1, claims = claims + 1,
                            lease_until = ?, worker_id = ?, progress = NULL, cancel_requested = 0, updated_at = ?
                        WHERE id = ?
                        RETURNING *
                        """,
                    arguments: [leaseUntil.unixSeconds, workerID, now.unixSeconds, id])
            else { throw QueueError(.database, "claim: job \(id) vanished inside the transaction") }
            let job = try SQLiteRows.job(row)
            try db.execute(
                sql: "INSERT INTO job_attempts (job_id, attempt, worker_id, started_at) VALUES (?, ?, ?, ?)",
                arguments: [id, job.claims, workerID, now.unixSeconds])
            return (ClaimedJob(job: job, token: job.claims, leaseUntil: leaseUntil), rescued)
        }
        log(rescued: rescued)
        if let claimed {
            logger.debug(
                "claimed",
                metadata: ["job_id": "\(claimed.job.id)", "attempt": "\(claimed.token)", "worker_id": "\(workerID)"])
        }
        return claimed
    }

    public func heartbeat(
        jobID: String, token: Int, progress: Double?, leaseSeconds: TimeInterval
    ) async throws -> HeartbeatSignal {
        try QueueValidation.lease(leaseSeconds)
        let now = now()
        let progress = QueueValidation.progress(progress)
        return try await write("heartbeat") { db in
            let cancelRequested = try Bool.fetchOne(
                db,
                sql: """
                    UPDATE jobs SET lease_until = ?, progress = COALESCE(?, progress), updated_at = ?
                    WHERE id = ? AND state = 'running' AND claims = ?
                    RETURNING cancel_requested
                    """,
                arguments: [now.addingTimeInterval(leaseSeconds).unixSeconds, progress, now.unixSeconds, jobID, token])
            guard let cancelRequested else { throw try Self.refusal(db, jobID: jobID, token: token) }
            return cancelRequested ? .cancelRequested : .keepGoing
        }
    }

    public func complete(jobID: String, token: Int, result: String?) async throws {
        let now = now()
        try await write("complete") { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET state = 'succeeded', result = ?, error = NULL, progress = 1, lease_until = NULL,
                        cancel_requested = 0, finished_at = ?, updated_at = ?
                    WHERE id = ? AND state = 'running' AND claims = ?
                    """,
                arguments: [result, now.unixSeconds, now.unixSeconds, jobID, token])
            guard db.changesCount == 1 else { throw try Self.refusal(db, jobID: jobID, token: token) }
            try Self.closeAttempt(
                db, jobID: jobID, attempt: token, now: now, outcome: .succeeded, error: nil, logTail: nil, progress: 1)
        }
        logger.debug("succeeded", metadata: ["job_id": "\(jobID)", "attempt": "\(token)"])
    }

    @discardableResult
    public func fail(jobID: String, token: Int, failure: AttemptFailure) async throws -> JobState {
        let now = now()
        let configuration = configuration
        let logTail = LogTail.cap(failure.logTail, limit: configuration.logTailLimit)
        let decision = try await write("fail") { db -> JobTransitions.AfterFailure in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT attempts, max_attempts, cancel_requested, progress FROM jobs
                        WHERE id = ? AND state = 'running' AND claims = ?
                        """,
                    arguments: [jobID, token])
            else { throw try Self.refusal(db, jobID: jobID, token: token) }
            let decision = JobTransitions.afterFailure(
                attempts: try row.decode(Int.self, forColumn: "attempts"),
                maxAttempts: try row.decode(Int.self, forColumn: "max_attempts"),
                cancelRequested: try row.decode(Bool.self, forColumn: "cancel_requested"),
                outcome: failure.outcome, retryable: failure.retryable, now: now, backoff: configuration.backoff)
            try Self.endRun(db, jobID: jobID, decision: decision, error: failure.error, now: now)
            try Self.closeAttempt(
                db, jobID: jobID, attempt: token, now: now, outcome: failure.outcome, error: failure.error,
                logTail: logTail, progress: try row.decode(Double?.self, forColumn: "progress"))
            return decision
        }
        logger.notice(
            "attempt failed",
            metadata: [
                "job_id": "\(jobID)", "attempt": "\(token)", "outcome": "\(failure.outcome.rawValue)",
                "state": "\(decision.state.rawValue)", "error": "\(failure.error)",
            ])
        return decision.state
    }

    public func releaseLease(jobID: String, token: Int) async throws {
        let now = now()
        try await write("releaseLease") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT cancel_requested, progress FROM jobs WHERE id = ? AND state = 'running' AND claims = ?",
                    arguments: [jobID, token])
            else { throw try Self.refusal(db, jobID: jobID, token: token) }
            if try row.decode(Bool.self, forColumn: "cancel_requested") {
                let decision = JobTransitions.AfterFailure(state: .cancelled, runAt: nil)
                try Self.endRun(db, jobID: jobID, decision: decision, error: JobTransitions.releasedError, now: now)
            } else {
                try db.execute(
                    sql: """
                        UPDATE jobs SET state = 'queued', run_at = ?, attempts = attempts - 1, lease_until = NULL,
                            worker_id = NULL, updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [now.unixSeconds, now.unixSeconds, jobID])
            }
            try Self.closeAttempt(
                db, jobID: jobID, attempt: token, now: now, outcome: .released, error: JobTransitions.releasedError,
                logTail: nil, progress: try row.decode(Double?.self, forColumn: "progress"))
        }
        signal.notifyAll()
        logger.info("lease released", metadata: ["job_id": "\(jobID)", "attempt": "\(token)"])
    }

    @discardableResult
    public func rescueExpired() async throws -> Int {
        let now = now()
        let configuration = configuration
        let rescued = try await write("rescueExpired") { db in
            try Self.rescue(db, now: now, configuration: configuration)
        }
        log(rescued: rescued)
        return rescued.count
    }

    // MARK: - Inside a transaction

    struct RescuedJob: Sendable {
        var id: String
        var attempt: Int
        var state: JobState
    }

    static func rescue(_ db: Database, now: Date, configuration: QueueConfiguration) throws -> [RescuedJob] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, claims, attempts, max_attempts, cancel_requested, progress FROM jobs INDEXED BY jobs_leases
                WHERE state = 'running' AND lease_until < ?
                """,
            arguments: [now.unixSeconds])
        var rescued: [RescuedJob] = []
        for row in rows {
            let id = try row.decode(String.self, forColumn: "id")
            let attempt = try row.decode(Int.self, forColumn: "claims")
            let decision = JobTransitions.afterFailure(
                attempts: try row.decode(Int.self, forColumn: "attempts"),
                maxAttempts: try row.decode(Int.self, forColumn: "max_attempts"),
                cancelRequested: try row.decode(Bool.self, forColumn: "cancel_requested"),
                outcome: .lostLease, retryable: true, now: now, backoff: configuration.backoff)
            try endRun(db, jobID: id, decision: decision, error: JobTransitions.leaseExpiredError, now: now)
            try closeAttempt(
                db, jobID: id, attempt: attempt, now: now, outcome: .lostLease,
                error: JobTransitions.leaseExpiredError, logTail: nil,
                progress: try row.decode(Double?.self, forColumn: "progress"))
            rescued.append(RescuedJob(id: id, attempt: attempt, state: decision.state))
        }
        return rescued
    }

    /// A running job leaves `running` for `decision.state`.
    static func endRun(_ db: Database, jobID: String, decision: JobTransitions.AfterFailure, error: String, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE jobs SET state = ?, run_at = COALESCE(?, run_at), error = ?, lease_until = NULL,
                    cancel_requested = 0, finished_at = ?, updated_at = ?
                WHERE id = ?
                """,
            arguments: [
                decision.state.rawValue, decision.runAt?.unixSeconds, error,
                decision.finished ? now.unixSeconds : nil, now.unixSeconds, jobID,
            ])
    }

    static func closeAttempt(
        _ db: Database, jobID: String, attempt: Int, now: Date, outcome: AttemptOutcome, error: String?,
        logTail: String?, progress: Double?
    ) throws {
        try db.execute(
            sql: """
                UPDATE job_attempts SET ended_at = ?, outcome = ?, error = ?, log_tail = ?, progress = ?
                WHERE job_id = ? AND attempt = ?
                """,
            arguments: [now.unixSeconds, outcome.rawValue, error, logTail, progress, jobID, attempt])
    }

    /// Why a token-guarded update matched no row: no such job, or a stale token.
    static func refusal(_ db: Database, jobID: String, token: Int) throws -> QueueError {
        let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM jobs WHERE id = ?", arguments: [jobID]) ?? false
        return exists ? .staleToken(jobID, token: token) : .notFound(jobID)
    }

    func log(rescued: [RescuedJob]) {
        for job in rescued {
            logger.warning(
                "lease expired; job rescued",
                metadata: ["job_id": "\(job.id)", "attempt": "\(job.attempt)", "state": "\(job.state.rawValue)"])
        }
    }
}
