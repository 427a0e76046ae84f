import Foundation
import Logging
import PostgresNIO

// The operator's side: enqueue, look, retry, cancel, purge, stats.
extension PostgresJobQueue {
    @discardableResult
    public func enqueue(_ newJob: NewJob) async throws -> EnqueueResult {
        let maxAttempts = try QueueValidation.newJob(newJob, defaultMaxAttempts: configuration.defaultMaxAttempts)
        let now = now()
        let id = JobID.make(at: now)
        let key = newJob.key ?? id
        let runAt = newJob.runAt ?? now
        let inserted = try await rows(
            "enqueue",
            """
            INSERT INTO jobs (id, key, state, priority, run_at, attempts, max_attempts, claims, spec,
                cancel_requested, created_at, updated_at)
            VALUES (\(id), \(key), 'queued', \(newJob.priority), \(runAt), 0, \(maxAttempts), 0, \(newJob.spec),
                FALSE, \(now), \(now))
            ON CONFLICT (key) DO NOTHING
            RETURNING \(unescaped: PostgresRows.jobColumns)
            """)
        if let row = inserted.first {
            let job = try PostgresRows.job(row)
            logger.info("enqueued", metadata: ["job_id": "\(id)", "key": "\(key)", "priority": "\(newJob.priority)"])
            await notifyWorkers(id)
            return EnqueueResult(job: job, existing: false)
        }
        // The key exists (ON CONFLICT waited for a concurrent insert to commit, so the row is visible now).
        let existing = try await rows(
            "enqueue", "SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE key = \(key)")
        guard let row = existing.first else {
            throw QueueError(.database, "enqueue: key \(key) conflicted but no job has it (deleted meanwhile?)")
        }
        let job = try PostgresRows.job(row)
        logger.debug("enqueue: key exists", metadata: ["job_id": "\(job.id)", "key": "\(key)"])
        return EnqueueResult(job: job, existing: true)
    }

    public func job(_ id: String) async throws -> JobRecord? {
        let rows = try await rows("job", "SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE id = \(id)")
        return try rows.first.map(PostgresRows.job)
    }

    public func list(state: JobState?, limit: Int) async throws -> [JobRecord] {
        let limit = max(0, limit)
        let rows: [PostgresRow]
        if let state {
            rows = try await self.rows(
                "list",
                """
                SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE state = \(state.rawValue)
                ORDER BY created_at DESC, seq DESC LIMIT \(limit)
                """)
        } else {
            rows = try await self.rows(
                "list",
                "SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs ORDER BY created_at DESC, seq DESC LIMIT \(limit)")
        }
        return try rows.map(PostgresRows.job)
    }

    public func attempts(jobID: String) async throws -> [AttemptRecord] {
        try await rows("attempts", "SELECT * FROM job_attempts WHERE job_id = \(jobID) ORDER BY attempt")
            .map(PostgresRows.attempt)
    }

    @discardableResult
    public func retry(_ id: String) async throws -> JobRecord {
        let now = now()
        let logger = logger
        let job = try await transaction("retry") { connection -> JobRecord in
            let rows = try await connection.exec(
                "SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE id = \(id) FOR UPDATE", logger: logger
            )
            guard let row = rows.first else { throw QueueError.notFound(id) }
            let job = try PostgresRows.job(row)
            guard JobTransitions.canRetry(job.state) else {
                throw QueueError.invalidTransition(id, from: job.state, action: "retry")
            }
            let maxAttempts = JobTransitions.maxAttemptsAfterRetry(attempts: job.attempts, maxAttempts: job.maxAttempts)
            let updated = try await connection.exec(
                """
                UPDATE jobs SET state = 'queued', run_at = \(now), max_attempts = \(maxAttempts), result = NULL,
                    progress = NULL, lease_until = NULL, worker_id = NULL, cancel_requested = FALSE,
                    finished_at = NULL, updated_at = \(now)
                WHERE id = \(id)
                RETURNING \(unescaped: PostgresRows.jobColumns)
                """, logger: logger
            )
            guard let updatedRow = updated.first else { throw QueueError.notFound(id) }
            return try PostgresRows.job(updatedRow)
        }
        logger.info("retry", metadata: ["job_id": "\(id)", "max_attempts": "\(job.maxAttempts)"])
        await notifyWorkers(id)
        return job
    }

    public func retryAll(state: JobState, dryRun: Bool) async throws -> Int {
        try QueueValidation.retryAllState(state)
        let now = now()
        let count: Int
        if dryRun {
            let rows = try await rows("retryAll", "SELECT COUNT(*) AS n FROM jobs WHERE state = \(state.rawValue)")
            count = try rows.first?.makeRandomAccess()["n"].decode(Int.self) ?? 0
        } else {
            let rows = try await rows(
                "retryAll",
                """
                WITH moved AS (
                    UPDATE jobs SET state = 'queued', run_at = \(now), max_attempts = GREATEST(max_attempts, attempts + 1),
                        result = NULL, progress = NULL, lease_until = NULL, worker_id = NULL, cancel_requested = FALSE,
                        finished_at = NULL, updated_at = \(now)
                    WHERE state = \(state.rawValue)
                    RETURNING id
                )
                SELECT COUNT(*) AS n FROM moved
                """)
            count = try rows.first?.makeRandomAccess()["n"].decode(Int.self) ?? 0
            if count > 0 { await notifyWorkers("retryAll") }
        }
        logger.info("retryAll", metadata: ["state": "\(state.rawValue)", "count": "\(count)", "dry_run": "\(dryRun)"])
        return count
    }

    @discardableResult
    public func cancel(_ id: String) async throws -> JobRecord {
        let now = now()
        let logger = logger
        let job = try await transaction("cancel") { connection -> JobRecord in
            let rows = try await connection.exec(
                "SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE id = \(id) FOR UPDATE", logger: logger
            )
            guard let row = rows.first else { throw QueueError.notFound(id) }
            let job = try PostgresRows.job(row)
            let query: PostgresQuery
            switch job.state {
            case .queued, .failed:
                query = """
                    UPDATE jobs SET state = 'cancelled', finished_at = \(now), updated_at = \(now),
                        error = 'cancelled by operator'
                    WHERE id = \(id) RETURNING \(unescaped: PostgresRows.jobColumns)
                    """
            case .running:
                query = """
                    UPDATE jobs SET cancel_requested = TRUE, updated_at = \(now)
                    WHERE id = \(id) RETURNING \(unescaped: PostgresRows.jobColumns)
                    """
            case .cancelled:
                return job
            case .succeeded, .dead:
                throw QueueError.invalidTransition(id, from: job.state, action: "cancel")
            }
            let updated = try await connection.exec(query, logger: logger)
            guard let updatedRow = updated.first else { throw QueueError.notFound(id) }
            return try PostgresRows.job(updatedRow)
        }
        logger.info("cancel", metadata: ["job_id": "\(id)", "state": "\(job.state.rawValue)"])
        return job
    }

    public func purge(finishedOlderThan age: TimeInterval) async throws -> Int {
        let cutoff = now().addingTimeInterval(-age)
        let rows = try await rows(
            "purge",
            """
            WITH gone AS (
                DELETE FROM jobs WHERE state IN ('succeeded', 'dead', 'cancelled') AND finished_at < \(cutoff)
                RETURNING id
            )
            SELECT COUNT(*) AS n FROM gone
            """)
        let count = try rows.first?.makeRandomAccess()["n"].decode(Int.self) ?? 0
        logger.info("purge", metadata: ["count": "\(count)"])
        return count
    }

    public func stats() async throws -> QueueStats {
        let now = now()
        let rows = try await rows(
            "stats",
            """
            SELECT state, COUNT(*) AS n,
                MIN(run_at) FILTER (WHERE state IN ('queued', 'failed') AND run_at <= \(now)) AS oldest
            FROM jobs GROUP BY state
            """)
        var counts: [JobState: Int] = [:]
        var oldest: Date?
        for row in rows {
            let cells = row.makeRandomAccess()
            let name = try cells["state"].decode(String.self)
            guard let state = JobState(rawValue: name) else {
                throw QueueError(.corruptRow, "unknown job state '\(name)'")
            }
            counts[state] = try cells["n"].decode(Int.self)
            if let date = try cells["oldest"].decode(Date?.self) { oldest = min(oldest ?? date, date) }
        }
        return QueueStats(counts: counts, oldestRunnableAge: oldest.map { now.timeIntervalSince($0) })
    }
}
