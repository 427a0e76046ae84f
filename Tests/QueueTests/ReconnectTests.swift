import Foundation
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
