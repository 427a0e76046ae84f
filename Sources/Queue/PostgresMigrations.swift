import Foundation
import Logging
import PostgresNIO

/// Versioned, append-only schema steps for PostgreSQL. Never edit a released step: add a new one.
///
/// Each step runs in its own transaction, which first takes a transaction-scoped advisory lock, so two
/// workers starting together apply each step once: the second waits for the lock, then sees the step recorded
/// in `schema_migrations` and skips it.
enum PostgresMigrations {
    struct Step: Sendable {
        var version: Int
        var name: String
        var statements: [String]
    }

    /// `pg_advisory_xact_lock` key: "mwqueue" in ASCII.
    static let lockKey = 0x6D77_7175_6575_65

    static let steps: [Step] = [
        Step(
            version: 1, name: "jobs_and_attempts",
            statements: [
                """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL
                        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
                    priority BIGINT NOT NULL DEFAULT 0,
                    run_at TIMESTAMPTZ NOT NULL,
                    attempts BIGINT NOT NULL DEFAULT 0,
                    max_attempts BIGINT NOT NULL,
                    claims BIGINT NOT NULL DEFAULT 0,
                    spec TEXT NOT NULL,
                    result TEXT,
                    error TEXT,
                    progress DOUBLE PRECISION,
                    lease_until TIMESTAMPTZ,
                    worker_id TEXT,
                    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
                    created_at TIMESTAMPTZ NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL,
                    finished_at TIMESTAMPTZ,
                    seq BIGINT GENERATED ALWAYS AS IDENTITY
                )
                """,
                "CREATE INDEX jobs_runnable ON jobs (priority DESC, run_at, seq) WHERE state IN ('queued', 'failed')",
                "CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running'",
                "CREATE INDEX jobs_state_created ON jobs (state, created_at)",
                "CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL",
                """
                CREATE TABLE job_attempts (
                    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    attempt BIGINT NOT NULL,
                    worker_id TEXT NOT NULL,
                    started_at TIMESTAMPTZ NOT NULL,
                    ended_at TIMESTAMPTZ,
                    outcome TEXT,
                    error TEXT,
                    log_tail TEXT,
                    progress DOUBLE PRECISION,
                    PRIMARY KEY (job_id, attempt)
                )
                """,
            ]),
    ]

    /// Applies every step not yet recorded in `schema_migrations`. Returns the versions applied now.
    @discardableResult
    static func apply(client: PostgresClient, logger: Logger) async throws -> [Int] {
        var applied: [Int] = []
        for step in steps {
            let didApply: Bool
            do {
                didApply = try await PostgresJobQueue.inTransaction(client, logger: logger) { connection in
                    try await apply(step, on: connection, logger: logger)
                }
            } catch {
                throw QueueError(.database, "migration \(step.version) (\(step.name))", underlying: error)
            }
            if didApply {
                applied.append(step.version)
                logger.info("applied migration", metadata: ["version": "\(step.version)", "name": "\(step.name)"])
            }
        }
        return applied
    }

    private static func apply(_ step: Step, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.exec("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        try await connection.exec(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """, logger: logger
        )
        let existing = try await connection.exec(
            "SELECT version FROM schema_migrations WHERE version = \(step.version)", logger: logger
        )
        guard existing.isEmpty else { return false }
        for statement in step.statements {
            try await connection.exec(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await connection.exec(
            "INSERT INTO schema_migrations (version, name) VALUES (\(step.version), \(step.name))", logger: logger
        )
        return true
    }
}
