import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Queue

extension QueueContract {
    @Suite("PostgreSQL server restarts")
    struct Reconnect {
        /// Needs a cluster it may stop: one started by scripts/pg-test-cluster.sh (by the tests themselves, or by
        /// .ci/run before them).
        @Test(
            "a call while the server is down fails with an error; calls work again once it is back",
            .enabled("the PostgreSQL cluster is managed by scripts/pg-test-cluster.sh") {
                try await PostgresTestServer.shared.get().scriptManaged
            })
        func serverRestart() async throws {
            let harness = try await QueueHarness.make(.postgres, realClock: true) { $0.operationTimeout = .seconds(3) }
            do {
                let queue = try await harness.open()
                let watcher = try await harness.open()
                let before = try await queue.enqueue(spec: "{}", key: "before").job.id

                try PostgresTestServer.runScript(["halt"])
                do {
                    let clock = ContinuousClock()
                    let started = clock.now
                    do {
                        _ = try await queue.job(before)
                        Issue.record("a query succeeded while the server was down")
                    } catch let error as QueueError {
                        #expect(error.code == .database || error.code == .timeout, "\(error)")
                    }
                    #expect(clock.now - started < .seconds(10))
                } catch {
                    _ = try PostgresTestServer.runScript(["start"])
                    throw error
                }
                _ = try PostgresTestServer.runScript(["start"])

                // The pool reconnects by itself: the next calls work (allow the pool's reconnect backoff).
                let deadline = ContinuousClock.now + .seconds(30)
                var job: JobRecord?
                while job == nil, ContinuousClock.now < deadline {
                    do {
                        job = try await queue.job(before)
                    } catch {
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                #expect(job?.key == "before")
                let claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                try await queue.complete(jobID: claimed.job.id, token: claimed.token, result: nil)

                // The LISTEN connection comes back too: an enqueue wakes the other instance.
                var woke = false
                let wakeDeadline = ContinuousClock.now + .seconds(20)
                while !woke, ContinuousClock.now < wakeDeadline {
                    async let waiting = watcher.waitForWork(timeout: .seconds(2))
                    try await Task.sleep(for: .milliseconds(50))
                    try await queue.enqueue(spec: "{}")
                    woke = await waiting
                }
                #expect(woke)
            } catch {
                await harness.tearDown()
                throw error
            }
            await harness.tearDown()
        }
    }
}

extension QueueContract {
    /// A statement handed to a connection whose channel has already closed (the server reset it while it sat idle
    /// in the pool, and the pool has not yet heard) must fail at once. PostgresNIO 1.33's async `query` writes it to
    /// the channel with no promise for the write; once the closed channel has dropped its handlers the statement is
    /// discarded unanswered and the caller waits for ever — an abandoned task LeakSanitizer found in the outage
    /// test. The queue's `exec` hands the statement over on the connection's event loop, after checking there that
    /// the channel is still active.
    @Suite("PostgreSQL connection closed under a statement")
    struct ClosedConnection {
        @Test("a statement on a connection that has closed fails at once, saying nothing was sent")
        func closedBeforeSend() async throws {
            let settings = try await PostgresTestServer.shared.get().settings
            let connection = try await PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.any(),
                configuration: PostgresConnection.Configuration(
                    host: settings.host, port: settings.port, username: settings.username, password: settings.password,
                    database: settings.database, tls: .disable),
                id: 1, logger: Logger(label: "tests.closed-connection"))
            let rows = try await connection.exec("SELECT 1 AS one", logger: Logger(label: "tests.closed-connection"))
            #expect(try rows.first?.decode(Int.self) == 1)

            try await connection.close()
            try await connection.closeFuture.get()  // the channel's handlers are gone once this completes
            // Run apart and watch, rather than await: a statement that is never answered must fail this test, not
            // hang it.
            let outcome = Locked<Result<[PostgresRow], any Error>?>(nil)
            Task {
                do {
                    let rows = try await connection.exec("SELECT 1", logger: Logger(label: "tests.closed-connection"))
                    outcome.withLock { $0 = .success(rows) }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                }
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while outcome.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            switch outcome.withLock({ $0 }) {
            case nil:
                Issue.record("the statement on the closed connection was not answered within 10 s")
            case .success:
                Issue.record("a statement succeeded on a closed connection")
            case .failure(let error):
                #expect(error is ConnectionClosedBeforeSend, "\(error)")
                #expect("\(error)".contains("closed before"), "\(error)")
            }
        }
    

        @Test("a call whose connection had closed runs again on a fresh lease (a transaction once, never doubled), up to three leases")
        func leaseAgain() async throws {
            try await withQueue(.postgres) { queue, _, _ in
                let postgres = try #require(queue as? PostgresJobQueue)
                let client = postgres.client
                let logger = QueueHarness.logger
                _ = try await postgres.rows("setup", "CREATE TABLE lease_probe (n INT)")

                // The first lease's transaction inserts, then finds its connection closed: rolled back, run again.
                let leases = Locked(0)
                let value = try await PostgresJobQueue.inTransaction(client, logger: logger) { connection -> Int in
                    let lease = leases.withLock { $0 += 1; return $0 }
                    try await connection.exec("INSERT INTO lease_probe VALUES (\(lease))", logger: logger)
                    if lease == 1 { throw ConnectionClosedBeforeSend() }
                    return lease
                }
                #expect(value == 2)
                let stored = try await postgres.rows("count", "SELECT n FROM lease_probe").map { try $0.decode(Int.self) }
                #expect(stored == [2])

                // A connection that is closed every time: three leases, then the error.
                leases.withLock { $0 = 0 }
                await #expect(throws: ConnectionClosedBeforeSend.self) {
                    try await PostgresJobQueue.withLiveConnection(client, logger: logger) { _ in
                        leases.withLock { $0 += 1 }
                        throw ConnectionClosedBeforeSend()
                    }
                }
                #expect(leases.withLock { $0 } == 3)

                // Any other error (a statement that may have run) is not repeated.
                leases.withLock { $0 = 0 }
                await #expect(throws: QueueError.self) {
                    try await PostgresJobQueue.withLiveConnection(client, logger: logger) { _ in
                        leases.withLock { $0 += 1 }
                        throw QueueError(.database, "lost in flight")
                    }
                }
                #expect(leases.withLock { $0 } == 1)
            }
        }
    }
}
