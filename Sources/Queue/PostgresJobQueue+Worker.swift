import Foundation
import Logging
import PostgresNIO

// The worker's side: claim, heartbeat, complete, fail, release, rescue.
extension PostgresJobQueue {
    public func claim(workerID: String, leaseSeconds: TimeInterval) async throws -> ClaimedJob? {
        try QueueValidation.lease(leaseSeconds)
        if rescueDue() { try await rescueExpired() }
        let now = now()
        let leaseUntil = now.addingTimeInterval(leaseSeconds)
        let rows = try await rows(
            "claim",
            """
            WITH next AS (
                SELECT id FROM jobs
                WHERE state IN ('queued', 'failed') AND run_at <= \(now)
                ORDER BY priority DESC, run_at, seq
                LIMIT 1
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, claims = jobs.claims + 1,
                    lease_until = \(leaseUntil), worker_id = \(workerID), progress = NULL, cancel_requested = FALSE,
                    updated_at = \(now)
                FROM next WHERE jobs.id = next.id
                RETURNING jobs.*
            ), attempt AS (
                INSERT INTO job_attempts (job_id, attempt, worker_id, started_at)
                SELECT id, claims, \(workerID), \(now) FROM claimed
            )
            SELECT \(unescaped: PostgresRows.jobColumns) FROM claimed
            """)
        guard let row = rows.first else { return nil }
        let job = try PostgresRows.job(row)
        logger.debug("claimed", metadata: ["job_id": "\(job.id)", "attempt": "\(job.claims)", "worker_id": "\(workerID)"])
        return ClaimedJob(job: job, token: job.claims, leaseUntil: leaseUntil)
    }

    public func heartbeat(
        jobID: String, token: Int, progress: Double?, leaseSeconds: TimeInterval
    ) async throws -> HeartbeatSignal {
        try QueueValidation.lease(leaseSeconds)
        let now = now()
        let leaseUntil = now.addingTimeInterval(leaseSeconds)
        let progress = QueueValidation.progress(progress)
        let rows = try await rows(
            "heartbeat",
            """
            UPDATE jobs SET lease_until = \(leaseUntil), progress = COALESCE(\(progress)::DOUBLE PRECISION, progress),
                updated_at = \(now)
            WHERE id = \(jobID) AND state = 'running' AND claims = \(token)
            RETURNING cancel_requested
            """)
        guard let row = rows.first else { throw try await refusal(jobID: jobID, token: token) }
        let cancelRequested = try row.makeRandomAccess()["cancel_requested"].decode(Bool.self)
        return cancelRequested ? .cancelRequested : .keepGoing
    }

    public func complete(jobID: String, token: Int, result: String?) async throws {
        let now = now()
        let rows = try await rows(
            "complete",
            """
            WITH done AS (
                UPDATE jobs SET state = 'succeeded', result = \(result), error = NULL, progress = 1,
                    lease_until = NULL, cancel_requested = FALSE, finished_at = \(now), updated_at = \(now)
                WHERE id = \(jobID) AND state = 'running' AND claims = \(token)
                RETURNING id, claims
            ), attempt AS (
                UPDATE job_attempts SET ended_at = \(now), outcome = 'succeeded', progress = 1
                FROM done WHERE job_attempts.job_id = done.id AND job_attempts.attempt = done.claims
            )
            SELECT id FROM done
            """)
        guard !rows.isEmpty else { throw try await refusal(jobID: jobID, token: token) }
        logger.debug("succeeded", metadata: ["job_id": "\(jobID)", "attempt": "\(token)"])
    }

    @discardableResult
    public func fail(jobID: String, token: Int, failure: AttemptFailure) async throws -> JobState {
        let now = now()
        let configuration = configuration
        let logger = logger
        let logTail = LogTail.cap(failure.logTail, limit: configuration.logTailLimit)
        let decision = try await transaction("fail") { connection -> JobTransitions.AfterFailure? in
            let rows = try await connection.exec(
                """
                SELECT attempts, max_attempts, cancel_requested FROM jobs
                WHERE id = \(jobID) AND state = 'running' AND claims = \(token)
                FOR UPDATE
                """, logger: logger
            )
            guard let row = rows.first?.makeRandomAccess() else { return nil }
            let decision = JobTransitions.afterFailure(
                attempts: try row["attempts"].decode(Int.self),
                maxAttempts: try row["max_attempts"].decode(Int.self),
                cancelRequested: try row["cancel_requested"].decode(Bool.self),
                outcome: failure.outcome, retryable: failure.retryable, now: now, backoff: configuration.backoff)
            try await Self.endRun(
                connection, jobID: jobID, attempt: token, decision: decision, error: failure.error,
                outcome: failure.outcome, logTail: logTail, now: now, logger: logger)
            return decision
        }
        guard let decision else { throw try await refusal(jobID: jobID, token: token) }
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
        let rows = try await rows(
            "releaseLease",
            """
            WITH released AS (
                UPDATE jobs SET
                    state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
                    finished_at = CASE WHEN cancel_requested THEN \(now) ELSE NULL END,
                    error = CASE WHEN cancel_requested THEN \(JobTransitions.releasedError) ELSE error END,
                    run_at = \(now), attempts = attempts - 1, lease_until = NULL, worker_id = NULL,
                    cancel_requested = FALSE, updated_at = \(now)
                WHERE id = \(jobID) AND state = 'running' AND claims = \(token)
                RETURNING id, claims, progress
            ), attempt AS (
                UPDATE job_attempts SET ended_at = \(now), outcome = 'released', error = \(JobTransitions.releasedError),
                    progress = released.progress
                FROM released WHERE job_attempts.job_id = released.id AND job_attempts.attempt = released.claims
            )
            SELECT id FROM released
            """)
        guard !rows.isEmpty else { throw try await refusal(jobID: jobID, token: token) }
        await notifyWorkers(jobID)
        logger.info("lease released", metadata: ["job_id": "\(jobID)", "attempt": "\(token)"])
    }

    @discardableResult
    public func rescueExpired() async throws -> Int {
        let now = now()
        // Cheap check first: expired leases are rare, and this keeps `claim` at two statements.
        let expired = try await rows(
            "rescueExpired",
            "SELECT id FROM jobs WHERE state = 'running' AND lease_until < \(now) LIMIT 1")
        guard !expired.isEmpty else { return 0 }
        let configuration = configuration
        let logger = logger
        let rescued = try await transaction("rescueExpired") { connection -> [(String, Int, JobState)] in
            let rows = try await connection.exec(
                """
                SELECT id, claims, attempts, max_attempts, cancel_requested FROM jobs
                WHERE state = 'running' AND lease_until < \(now)
                FOR UPDATE SKIP LOCKED
                """, logger: logger
            )
            var rescued: [(String, Int, JobState)] = []
            for row in rows {
                let cells = row.makeRandomAccess()
                let id = try cells["id"].decode(String.self)
                let attempt = try cells["claims"].decode(Int.self)
                let decision = JobTransitions.afterFailure(
                    attempts: try cells["attempts"].decode(Int.self),
                    maxAttempts: try cells["max_attempts"].decode(Int.self),
                    cancelRequested: try cells["cancel_requested"].decode(Bool.self),
                    outcome: .lostLease, retryable: true, now: now, backoff: configuration.backoff)
                try await Self.endRun(
                    connection, jobID: id, attempt: attempt, decision: decision,
                    error: JobTransitions.leaseExpiredError, outcome: .lostLease, logTail: nil, now: now, logger: logger)
                rescued.append((id, attempt, decision.state))
            }
            return rescued
        }
        for (id, attempt, state) in rescued {
            logger.warning(
                "lease expired; job rescued",
                metadata: ["job_id": "\(id)", "attempt": "\(attempt)", "state": "\(state.rawValue)"])
        }
        return rescued.count
    }

    // MARK: - Helpers

    /// `claim` rescues expired leases first, at most once per ``QueueConfiguration/rescueInterval`` of queue-clock
    /// time per instance: the check is a round trip, and a lease expires seconds, not milliseconds, late.
    func rescueDue() -> Bool {
        let now = now()
        let interval = configuration.rescueInterval
        return lastRescue.withLock { last in
            if let previous = last, now.timeIntervalSince(previous) < interval, now >= previous { return false }
            last = now
            return true
        }
    }

    /// A running job leaves `running` for `decision.state`; its attempt row closes with `outcome`.
    static func endRun(
        _ connection: PostgresConnection, jobID: String, attempt: Int, decision: JobTransitions.AfterFailure,
        error: String, outcome: AttemptOutcome, logTail: String?, now: Date, logger: Logger
    ) async throws {
        let finishedAt: Date? = decision.finished ? now : nil
        try await connection.exec(
            """
            WITH ended AS (
                UPDATE jobs SET state = \(decision.state.rawValue), run_at = COALESCE(\(decision.runAt)::TIMESTAMPTZ, run_at),
                    error = \(error), lease_until = NULL, cancel_requested = FALSE,
                    finished_at = \(finishedAt)::TIMESTAMPTZ, updated_at = \(now)
                WHERE id = \(jobID)
                RETURNING id, progress
            )
            UPDATE job_attempts SET ended_at = \(now), outcome = \(outcome.rawValue), error = \(error),
                log_tail = \(logTail), progress = ended.progress
            FROM ended WHERE job_attempts.job_id = ended.id AND job_attempts.attempt = \(attempt)
            """, logger: logger
        )
    }

    /// Why a token-guarded statement matched no row: no such job, or a stale token.
    func refusal(jobID: String, token: Int) async throws -> QueueError {
        let rows = try await rows("refusal", "SELECT 1 AS found FROM jobs WHERE id = \(jobID)")
        return rows.isEmpty ? .notFound(jobID) : .staleToken(jobID, token: token)
    }
}
