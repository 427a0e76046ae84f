import Foundation
import GRDB
import Logging

/// The embedded queue: one SQLite file in WAL mode, shared by every process of one machine.
///
/// Writes run in `BEGIN IMMEDIATE` transactions, so two claimers (threads or processes) never pick the same
/// job: the second waits for the write lock (up to ``QueueConfiguration/busyTimeout``) and then sees the
/// first one's claim. Times are stored as REAL unix seconds (UTC).
public final class SQLiteJobQueue: JobQueue {
    public static let defaultPath = "var/queue.sqlite"

    let pool: DatabasePool
    let configuration: QueueConfiguration
    let logger: Logger
    let signal = WorkSignal()
    public let path: String

    /// Opens (creating the file and its directory when missing) and migrates the database.
    public init(
        path: String = SQLiteJobQueue.defaultPath, configuration: QueueConfiguration = QueueConfiguration(),
        logger: Logger = Logger(label: "mediaworker.queue")
    ) throws {
        self.path = path
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "queue"] = "sqlite:\(path)"
        self.logger = logger

        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw QueueError(.database, "cannot create the directory \(directory.path)", underlying: error)
        }

        var config = Configuration()
        config.label = "mediaworker.queue"
        config.busyMode = .callback(Self.busyCallback(timeout: configuration.busyTimeout))
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // WAL + NORMAL: commits don't fsync (the WAL is synced at checkpoints); a power loss may drop the
            // last transactions but never corrupts the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try Self.open(path, config, timeout: configuration.busyTimeout)
        try Self.migrate(pool, logger: logger)
    }

    /// Opens the pool. A fresh file opened by two processes at once (a worker and a server started together)
    /// races on switching it to WAL, and SQLite answers the loser `SQLITE_BUSY` without calling the busy
    /// handler: that open is tried again, with jittered naps, until `timeout`.
    static func open(_ path: String, _ config: Configuration, timeout: TimeInterval) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(max(timeout, 1))
        var tries = 0
        while true {
            do {
                return try DatabasePool(path: path, configuration: config)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                tries += 1
                usleep(UInt32(min(1000 * tries, 20_000) + Int.random(in: 0...2000)))
            } catch {
                throw QueueError(.database, "cannot open \(path)", underlying: error)
            }
        }
    }

    /// Waits for another writer's lock in short naps (0.1 ms growing to 1 ms, with jitter) up to `timeout`.
    /// SQLite's own busy timeout sleeps 1, 2, 5, … up to 100 ms, which starves claimers that contend for the
    /// lock thousands of times a second.
    static func busyCallback(timeout: TimeInterval) -> Database.BusyCallback {
        // Naps of 100 µs · (n + 1), capped at 1 ms: the first ten sum to 5.5 ms, then 1 ms each.
        let rampTries = 10
        let maxTries = rampTries + Int(max(0, timeout * 1000 - 5.5))
        return { tries in
            guard tries < maxTries else { return false }
            let micros = min(100 * (tries + 1), 1000)
            usleep(UInt32(micros / 2 + Int.random(in: 0...micros)))
            return true
        }
    }

    public func close() async {
        do {
            try pool.close()
        } catch {
            logger.warning("closing the database failed", metadata: ["error": "\(error)"])
        }
    }

    public func waitForWork(timeout: Duration) async -> Bool {
        await signal.wait(timeout: timeout)
    }

    // MARK: - Access helpers

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction; errors other than ``QueueError`` are wrapped.
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try body(db)
                    return .commit
                }
                guard let value else { throw QueueError(.database, "\(operation): the transaction returned nothing") }
                return value
            }
        } catch {
            throw QueueError.database(operation, error)
        }
    }

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw QueueError.database(operation, error)
        }
    }

    func now() -> Date { configuration.clock.now() }
}
