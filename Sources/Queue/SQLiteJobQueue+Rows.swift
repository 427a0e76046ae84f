import Foundation
import GRDB

/// Reading rows back. Every read throws on a bad value instead of trapping (GRDB's typed subscripts trap).
enum SQLiteRows {
    static func job(_ row: Row) throws -> JobRecord {
        let stateName = try row.decode(String.self, forColumn: "state")
        guard let state = JobState(rawValue: stateName) else {
            throw QueueError(.corruptRow, "unknown job state '\(stateName)'")
        }
        return JobRecord(
            id: try row.decode(String.self, forColumn: "id"),
            key: try row.decode(String.self, forColumn: "key"),
            state: state,
            priority: try row.decode(Int.self, forColumn: "priority"),
            runAt: try date(row, "run_at"),
            attempts: try row.decode(Int.self, forColumn: "attempts"),
            maxAttempts: try row.decode(Int.self, forColumn: "max_attempts"),
            claims: try row.decode(Int.self, forColumn: "claims"),
            spec: try row.decode(String.self, forColumn: "spec"),
            result: try row.decode(String?.self, forColumn: "result"),
            error: try row.decode(String?.self, forColumn: "error"),
            progress: try row.decode(Double?.self, forColumn: "progress"),
            leaseUntil: try optionalDate(row, "lease_until"),
            workerID: try row.decode(String?.self, forColumn: "worker_id"),
            cancelRequested: try row.decode(Bool.self, forColumn: "cancel_requested"),
            createdAt: try date(row, "created_at"),
            updatedAt: try date(row, "updated_at"),
            finishedAt: try optionalDate(row, "finished_at")
        )
    }

    static func attempt(_ row: Row) throws -> AttemptRecord {
        let outcomeName = try row.decode(String?.self, forColumn: "outcome")
        var outcome: AttemptOutcome?
        if let outcomeName {
            guard let known = AttemptOutcome(rawValue: outcomeName) else {
                throw QueueError(.corruptRow, "unknown attempt outcome '\(outcomeName)'")
            }
            outcome = known
        }
        return AttemptRecord(
            jobID: try row.decode(String.self, forColumn: "job_id"),
            attempt: try row.decode(Int.self, forColumn: "attempt"),
            workerID: try row.decode(String.self, forColumn: "worker_id"),
            startedAt: try date(row, "started_at"),
            endedAt: try optionalDate(row, "ended_at"),
            outcome: outcome,
            error: try row.decode(String?.self, forColumn: "error"),
            logTail: try row.decode(String?.self, forColumn: "log_tail"),
            progress: try row.decode(Double?.self, forColumn: "progress")
        )
    }

    static func date(_ row: Row, _ column: String) throws -> Date {
        Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: column))
    }

    static func optionalDate(_ row: Row, _ column: String) throws -> Date? {
        try row.decode(Double?.self, forColumn: column).map { Date(timeIntervalSince1970: $0) }
    }
}

extension Date {
    /// The stored form of a time in SQLite: unix seconds.
    var unixSeconds: Double { timeIntervalSince1970 }
}
