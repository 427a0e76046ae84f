import Foundation
import GRDB
import Logging

extension SQLiteJobQueue {
    /// Append-only: never edit a registered migration, add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_jobs_and_attempts") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY NOT NULL,
                    key TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL
                        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
                    priority INTEGER NOT NULL DEFAULT 0,
                    run_at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL,
                    claims INTEGER NOT NULL DEFAULT 0,
                    spec TEXT NOT NULL,
                    result TEXT,
                    error TEXT,
                    progress REAL,
                    lease_until REAL,
                    worker_id TEXT,
                    cancel_requested INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    finished_at REAL
                );
                CREATE INDEX jobs_runnable ON jobs (priority DESC, run_at) WHERE state IN ('queued', 'failed');
                CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running';
                CREATE INDEX jobs_state_created ON jobs (state, created_at);
                CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
                CREATE TABLE job_attempts (
                    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    attempt INTEGER NOT NULL,
                    worker_id TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    ended_at REAL,
                    outcome TEXT,
                    error TEXT,
                    log_tail TEXT,
                    progress REAL,
                    PRIMARY KEY (job_id, attempt)
                );
                """)
        }
        return migrator
    }

    /// Applies pending migrations. Two processes opening a new file together may both try the first
    /// migration; the loser's `CREATE TABLE` fails, so it checks again and accepts a completed schema.
    static func migrate(_ pool: DatabasePool, logger: Logger) throws {
        let migrator = Self.migrator
        do {
            try migrator.migrate(pool)
        } catch {
            let completed: Bool
            do {
                completed = try pool.read { try migrator.hasCompletedMigrations($0) }
            } catch {
                throw QueueError(.database, "migrating \(pool.path)", underlying: error)
            }
            guard completed else { throw QueueError(.database, "migrating \(pool.path)", underlying: error) }
            logger.debug("another process migrated the database first")
        }
    }
}
