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
    ///
    /// Not PostgresNIO's async `query` (1.33): it writes the statement to the channel with no promise for the
    /// write, so when the channel has already closed and dropped its handlers — the server reset a connection
    /// that sat idle in the pool, and the pool has not yet heard — the statement is discarded unanswered and the
    /// caller waits for ever (`QueueContract.ClosedConnection` in the tests shows it; LeakSanitizer found such an abandoned call in
    /// the outage test). Here the statement is handed over on the connection's event loop, in the same turn as
    /// a check there that the channel is active: while it is, the connection's handler is in the pipeline and
    /// fails the statement if the connection closes later. A closed one fails at once with
    /// ``ConnectionClosedBeforeSend``.
    @discardableResult
    func exec(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        let eventLoop = self.eventLoop
        let result = try await eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            guard !self.isClosed else { return eventLoop.makeFailedFuture(ConnectionClosedBeforeSend()) }
            return self.query(query, logger: logger)
        }.get()
        return result.rows
    }
}

/// The statement was not sent: its connection had closed. Nothing reached the server, so the caller may run it
/// again on another connection.
struct ConnectionClosedBeforeSend: Error, CustomStringConvertible {
    var description: String { "the connection to PostgreSQL had closed before the statement was sent" }
}
