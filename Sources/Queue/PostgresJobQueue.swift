import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The shared queue: PostgreSQL, for many machines.
///
/// Claims are one statement (`SELECT … FOR UPDATE SKIP LOCKED` feeding an `UPDATE` and the attempt `INSERT`),
/// committed at once, so concurrent claimers skip each other's rows instead of waiting. Enqueue and retry send
/// `NOTIFY` on ``QueueConfiguration/notifyChannel``; a listener task wakes ``waitForWork(timeout:)``.
///
/// The queue owns a `PostgresClient` and the task running it. The client's pool reconnects after the server
/// restarts; a call made while the server is away fails (within ``QueueConfiguration/operationTimeout``) and a
/// later call works once the server is back.
public final class PostgresJobQueue: JobQueue {
    let client: PostgresClient
    let configuration: QueueConfiguration
    let logger: Logger
    let signal = WorkSignal()
    /// Queue-clock time of this instance's last rescue pass (see ``claim(workerID:leaseSeconds:)``).
    let lastRescue = Mutex<Date?>(nil)
    private let runTask: Task<Void, Never>
    private let listenTask = Mutex<Task<Void, Never>?>(nil)
    public let settings: QueueURL.PostgresSettings

    private init(
        client: PostgresClient, runTask: Task<Void, Never>, settings: QueueURL.PostgresSettings,
        configuration: QueueConfiguration, logger: Logger
    ) {
        self.client = client
        self.runTask = runTask
        self.settings = settings
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects, applies pending migrations and starts listening for new work.
    public static func open(
        settings: QueueURL.PostgresSettings, configuration: QueueConfiguration = QueueConfiguration(),
        logger: Logger = Logger(label: "mediaworker.queue")
    ) async throws -> PostgresJobQueue {
        var queueLogger = logger
        queueLogger[metadataKey: "queue"] = "\(QueueURL.postgres(settings))"
        let logger = queueLogger
        let client = PostgresClient(configuration: clientConfiguration(settings, configuration), backgroundLogger: logger)
        let runTask = Task { await client.run() }
        let queue = PostgresJobQueue(
            client: client, runTask: runTask, settings: settings, configuration: configuration, logger: logger)
        do {
            try await queue.withTimeout("migrate") {
                try await PostgresMigrations.apply(client: client, logger: logger)
            }
        } catch {
            await queue.close()
            throw error
        }
        queue.startListening()
        return queue
    }

    static func clientConfiguration(
        _ settings: QueueURL.PostgresSettings, _ configuration: QueueConfiguration
    ) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch settings.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var config = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: tls)
        // One more connection than the operations use: the LISTEN connection holds one for good.
        config.options.maximumConnections = max(2, configuration.maxConnections + 1)
        config.options.connectTimeout = .seconds(5)
        return config
    }

    public func close() async {
        let listener = listenTask.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        listener?.cancel()
        runTask.cancel()
        await runTask.value
        await listener?.value
    }

    public func waitForWork(timeout: Duration) async -> Bool {
        await signal.wait(timeout: timeout)
    }

    func now() -> Date { configuration.clock.now() }

    // MARK: - LISTEN

    private func startListening() {
        let client = client
        let channel = configuration.notifyChannel
        let signal = signal
        let logger = logger
        let task = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            // (Re)connected: work may have arrived while we were away.
                            signal.notifyAll()
                            for try await _ in notifications { signal.notifyAll() }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.debug("LISTEN connection lost; retrying", metadata: ["error": "\(QueueError.describe(error))"])
                }
                do {
                    try await Task.sleep(for: .milliseconds(500))
                } catch {
                    break  // cancelled
                }
            }
        }
        listenTask.withLock { $0 = task }
    }

    func notifyWorkers(_ jobID: String) async {
        do {
            _ = try await rows("notify", "SELECT pg_notify(\(configuration.notifyChannel), \(jobID))")
        } catch {
            // The job is stored; idle workers still find it by polling.
            logger.warning("NOTIFY failed", metadata: ["job_id": "\(jobID)", "error": "\(error)"])
        }
    }

    // MARK: - Access helpers

    /// Runs `body`, failing with ``QueueError/Code/timeout`` when it takes longer than the operation timeout, and
    /// wraps driver errors in ``QueueError``.
    ///
    /// The deadline holds even when `body` does not honour cancellation: a task group would wait for its child
    /// before returning, and a query stuck on a connection the server dropped while this process was stopped
    /// kept a worker's heartbeat — and with it the whole attempt — waiting for ever (found by the PostgreSQL
    /// outage test). Here the body runs in its own task, cancelled at the deadline and left to end by itself;
    /// the caller gets the timeout at once.
    @discardableResult
    func withTimeout<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = configuration.operationTimeout
        let outcome = Deadline<T>()
        let work = Task {
            do { outcome.finish(.success(try await body())) } catch { outcome.finish(.failure(error)) }
        }
        let timer = Task {
            try await Task.sleep(for: timeout)
            outcome.finish(.failure(QueueError(.timeout, "\(operation): PostgreSQL did not answer within \(timeout)")))
        }
        let result = await withTaskCancellationHandler {
            await outcome.value
        } onCancel: {
            outcome.finish(.failure(CancellationError()))
        }
        work.cancel()
        timer.cancel()
        switch result {
        case .success(let value): return value
        case .failure(let error as QueueError): throw error
        case .failure(let error): throw QueueError.database(operation, error)
        }
    }

    /// Runs `body` in a transaction on one connection, within the operation timeout. Unlike
    /// `PostgresClient.withTransaction`, the body's own errors come out unwrapped.
    func transaction<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let logger = logger
        let client = client
        return try await withTimeout(operation) {
            try await Self.inTransaction(client, logger: logger, body)
        }
    }

    /// One statement in autocommit mode, all rows collected.
    func rows(_ operation: String, _ query: PostgresQuery) async throws -> [PostgresRow] {
        let client = client
        let logger = logger
        return try await withTimeout(operation) {
            try await Self.withLiveConnection(client, logger: logger) { try await $0.exec(query, logger: logger) }
        }
    }

    /// Leases a connection and runs `body` on it: one statement, or one transaction (``inTransaction(_:logger:_:)``).
    ///
    /// A statement that finds its connection already closed — the server reset it while it sat idle in the pool,
    /// and the pool had not yet heard — fails with ``ConnectionClosedBeforeSend`` having sent nothing; a
    /// transaction cut short that way never committed. So `body` runs again on a fresh lease, up to three leases
    /// in all (within the caller's deadline). Every other error, including a connection lost *while* a statement
    /// was in flight (it may have run), goes to the caller.
    static func withLiveConnection<T>(
        _ client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var lease = 1
        while true {
            do {
                return try await client.withConnection { connection in try await body(connection) }
            } catch is ConnectionClosedBeforeSend where lease < 3 {
                lease += 1
                logger.debug("the leased connection had closed; running again on another", metadata: ["lease": "\(lease)"])
            }
        }
    }

    /// `body` between `BEGIN` and `COMMIT` on one leased connection (a fresh one if the first had closed, see
    /// ``withLiveConnection(_:logger:_:)``); `ROLLBACK` when it throws, and its error comes out unwrapped.
    static func inTransaction<T>(
        _ client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withLiveConnection(client, logger: logger) { connection in
            try await connection.exec("BEGIN", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.exec("COMMIT", logger: logger)
                return value
            } catch {
                if !connection.isClosed {
                    do {
                        try await connection.exec("ROLLBACK", logger: logger)
                    } catch let rollbackError {
                        logger.warning("ROLLBACK failed", metadata: ["error": "\(QueueError.describe(rollbackError))"])
                    }
                }
                throw error
            }
        }
    }
}
