import Foundation
import Logging
import PostgresNIO

/// Reading rows back; every decode throws instead of trapping.
enum PostgresRows {
    static let jobColumns = """
        id, key, state, priority, run_at, attempts, max_attempts, claims, spec, result, error, progress, \
        lease_until, worker_id, cancel_requested, created_at, updated_at, finished_at
        """

    static func job(_ row: PostgresRow) throws -> JobRecord {
        let cells = row.makeRandomAccess()
        let stateName = try cells["state"].decode(String.self)
        guard let state = JobState(rawValue: stateName) else {
            throw QueueError(.corruptRow, "unknown job state '\(stateName)'")
        }
        return JobRecord(
            id: try cells["id"].decode(String.self),
            key: try cells["key"].decode(String.self),
            state: state,
            priority: try cells["priority"].decode(Int.self),
            runAt: try cells["run_at"].decode(Date.self),
            attempts: try cells["attempts"].decode(Int.self),
            maxAttempts: try cells["max_attempts"].decode(Int.self),
            claims: try cells["claims"].decode(Int.self),
            spec: try cells["spec"].decode(String.self),
            result: try cells["result"].decode(String?.self),
            error: try cells["error"].decode(String?.self),
            progress: try cells["progress"].decode(Double?.self),
            leaseUntil: try cells["lease_until"].decode(Date?.self),
            workerID: try cells["worker_id"].decode(String?.self),
            cancelRequested: try cells["cancel_requested"].decode(Bool.self),
            createdAt: try cells["created_at"].decode(Date.self),
            updatedAt: try cells["updated_at"].decode(Date.self),
            finishedAt: try cells["finished_at"].decode(Date?.self)
        )
    }

    static func attempt(_ row: PostgresRow) throws -> AttemptRecord {
        let cells = row.makeRandomAccess()
        var outcome: AttemptOutcome?
        if let name = try cells["outcome"].decode(String?.self) {
            guard let known = AttemptOutcome(rawValue: name) else {
                throw QueueError(.corruptRow, "unknown attempt outcome '\(name)'")
            }
            outcome = known
        }
        return AttemptRecord(
            jobID: try cells["job_id"].decode(String.self),
            attempt: try cells["attempt"].decode(Int.self),
            workerID: try cells["worker_id"].decode(String.self),
            startedAt: try cells["started_at"].decode(Date.self),
            endedAt: try cells["ended_at"].decode(Date?.self),
            outcome: outcome,
            error: try cells["error"].decode(String?.self),
            logTail: try cells["log_tail"].decode(String?.self),
            progress: try cells["progress"].decode(Double?.self)
        )
    }
}

extension PostgresConnection {
    /// Runs one statement on this connection and collects its rows.
    @discardableResult
    func exec(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
