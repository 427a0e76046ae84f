import Foundation
import GRDB
import Logging

// The operator's side: enqueue, look, retry, cancel, purge, stats.
extension SQLiteJobQueue {
    @discardableResult
    public func enqueue(_ newJob: NewJob) async throws -> EnqueueResult {
        let maxAttempts = try QueueValidation.newJob(newJob, defaultMaxAttempts: configuration.defaultMaxAttempts)
        let now = now()
        let id = JobID.make(at: now)
        let key = newJob.key ?? id
        let runAt = newJob.runAt ?? now
        let result = try await write("enqueue") { db -> EnqueueResult in
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, key, state, priority, run_at, attempts, max_attempts, claims, spec,
                        cancel_requested, created_at, updated_at)
                    VALUES (?, ?, 'queued', ?, ?, 0, ?, 0, ?, 0, ?, ?)
                    ON CONFLICT (key) DO NOTHING
                    """,
                arguments: [
                    id, key, newJob.priority, runAt.unixSeconds, maxAttempts, newJob.spec, now.unixSeconds,
                    now.unixSeconds,
                ])
            let inserted = db.changesCount == 1
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE key = ?", arguments: [key]) else {
                throw QueueError(.database, "enqueue: the job with key \(key) vanished inside the transaction")
            }
            return EnqueueResult(job: try SQLiteRows.job(row), existing: !inserted)
        }
        if result.existing {
            logger.debug("enqueue: key exists", metadata: ["job_id": "\(result.job.id)", "key": "\(key)"])
        } else {
            logger.info("enqueued", metadata: ["job_id": "\(id)", "key": "\(key)", "priority": "\(newJob.priority)"])
            signal.notifyAll()
        }
        return result
    }

    public func job(_ id: String) async throws -> JobRecord? {
        try await read("job") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(SQLiteRows.job)
        }
    }

    public func list(state: JobState?, limit: Int) async throws -> [JobRecord] {
        let limit = max(0, limit)
        return try await read("list") { db in
            let rows: [Row]
            if let state {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM jobs WHERE state = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                    arguments: [state.rawValue, limit])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?", arguments: [limit])
            }
            return try rows.map(SQLiteRows.job)
        }
    }

    public func attempts(jobID: String) async throws -> [AttemptRecord] {
        try await read("attempts") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_attempts WHERE job_id = ? ORDER BY attempt", arguments: [jobID])
                .map(SQLiteRows.attempt)
        }
    }

    @discardableResult
    public func retry(_ id: String) async throws -> JobRecord {
        let now = now()
        let job = try await write("retry") { db -> JobRecord in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]) else {
                throw QueueError.notFound(id)
            }
            let job = try SQLiteRows.job(row)
            guard JobTransitions.canRetry(job.state) else {
                throw QueueError.invalidTransition(id, from: job.state, action: "retry")
            }
            let maxAttempts = JobTransitions.maxAttemptsAfterRetry(attempts: job.attempts, maxAttempts: job.maxAttempts)
            guard
                let updated = try Row.fetchOne(
                    db,
                    sql: """
                        UPDATE jobs SET state = 'queued', run_at = ?, max_attempts = ?, result = NULL, progress = NULL,
                            lease_until = NULL, worker_id = NULL, cancel_requested = 0, finished_at = NULL, updated_at = ?
                        WHERE id = ?
                        RETURNING *
                        """,
                    arguments: [now.unixSeconds, maxAttempts, now.unixSeconds, id])
            else { throw QueueError.notFound(id) }
            return try SQLiteRows.job(updated)
        }
        logger.info("retry", metadata: ["job_id": "\(id)", "max_attempts": "\(job.maxAttempts)"])
        signal.notifyAll()
        return job
    }

    public func retryAll(state: JobState, dryRun: Bool) async throws -> Int {
        try QueueValidation.retryAllState(state)
        let now = now()
        let count: Int
        if dryRun {
            count = try await read("retryAll") { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE state = ?", arguments: [state.rawValue]) ?? 0
            }
        } else {
            count = try await write("retryAll") { db in
                try db.execute(
                    sql: """
                        UPDATE jobs SET state = 'queued', run_at = ?, max_attempts = MAX(max_attempts, attempts + 1),
                            result = NULL, progress = NULL, lease_until = NULL, worker_id = NULL, cancel_requested = 0,
                            finished_at = NULL, updated_at = ?
                        WHERE state = ?
                        """,
                    arguments: [now.unixSeconds, now.unixSeconds, state.rawValue])
                return db.changesCount
            }
            if count > 0 { signal.notifyAll() }
        }
        logger.info("retryAll", metadata: ["state": "\(state.rawValue)", "count": "\(count)", "dry_run": "\(dryRun)"])
        return count
    }

    @discardableResult
    public func cancel(_ id: String) async throws -> JobRecord {
        let now = now()
        let job = try await write("cancel") { db -> JobRecord in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]) else {
                throw QueueError.notFound(id)
            }
            let job = try SQLiteRows.job(row)
            let sql: String
            switch job.state {
            case .queued, .failed:
                sql = """
                    UPDATE jobs SET state = 'cancelled', finished_at = ?1, updated_at = ?1, error = 'cancelled by operator'
                    WHERE id = ?2 RETURNING *
                    """
            case .running:
                sql = "UPDATE jobs SET cancel_requested = 1, updated_at = ?1 WHERE id = ?2 RETURNING *"
            case .cancelled:
                return job
            case .succeeded, .dead:
                throw QueueError.invalidTransition(id, from: job.state, action: "cancel")
            }
            guard let updated = try Row.fetchOne(db, sql: sql, arguments: [now.unixSeconds, id]) else {
                throw QueueError.notFound(id)
            }
            return try SQLiteRows.job(updated)
        }
        logger.info("cancel", metadata: ["job_id": "\(id)", "state": "\(job.state.rawValue)"])
        return job
    }

    public func purge(finishedOlderThan age: TimeInterval) async throws -> Int {
        let cutoff = now().addingTimeInterval(-age)
        let count = try await write("purge") { db -> Int in
            try db.execute(
                sql: """
                    DELETE FROM jobs WHERE state IN ('succeeded', 'dead', 'cancelled') AND finished_at < ?
                    """,
                arguments: [cutoff.unixSeconds])
            return db.changesCount
        }
        logger.info("purge", metadata: ["count": "\(count)"])
        return count
    }

    public func stats() async throws -> QueueStats {
        let now = now()
        return try await read("stats") { db in
            var counts: [JobState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                let name = try row.decode(String.self, forColumn: "state")
                guard let state = JobState(rawValue: name) else {
                    throw QueueError(.corruptRow, "unknown job state '\(name)'")
                }
                counts[state] = try row.decode(Int.self, forColumn: "n")
            }
            let oldest = try Double.fetchOne(
                db, sql: "SELECT MIN(run_at) FROM jobs WHERE state IN ('queued', 'failed') AND run_at <= ?",
                arguments: [now.unixSeconds])
            return QueueStats(counts: counts, oldestRunnableAge: oldest.map { now.unixSeconds - $0 })
        }
    }
}
