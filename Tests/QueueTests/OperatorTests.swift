import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Queue

extension QueueContract {
    @Suite("Operators, migrations and wake-ups")
    struct Operators {
        @Test("purge deletes finished jobs older than the age, with their attempts, and nothing else", arguments: QueueDriver.allCases)
        func purge(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let old = try await queue.enqueue(spec: "{}", key: "old").job.id
                var claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                try await queue.complete(jobID: old, token: claimed.token, result: nil)
                let oldDead = try await queue.enqueue(spec: "{}", key: "old-dead").job.id
                claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                try await queue.fail(jobID: oldDead, token: claimed.token, error: "e", retryable: false)
                let oldCancelled = try await queue.enqueue(spec: "{}", key: "old-cancelled").job.id
                try await queue.cancel(oldCancelled)
                let waiting = try await queue.enqueue(spec: "{}", key: "waiting", runAt: clock.now.addingTimeInterval(1e6)).job.id

                clock.advance(by: 7200)
                let recent = try await queue.enqueue(spec: "{}", key: "recent").job.id
                claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                try await queue.complete(jobID: recent, token: claimed.token, result: nil)
                let running = try await queue.enqueue(spec: "{}", key: "running").job.id
                _ = try #require(try await queue.claim(workerID: "w", leaseSeconds: 3600))

                clock.advance(by: 60)
                #expect(try await queue.purge(finishedOlderThan: 3600) == 3)
                for id in [old, oldDead, oldCancelled] {
                    #expect(try await queue.job(id) == nil)
                    #expect(try await queue.attempts(jobID: id).isEmpty)
                }
                for id in [waiting, recent, running] { #expect(try await queue.job(id) != nil) }
                #expect(try await queue.attempts(jobID: recent).count == 1)
                #expect(try await queue.purge(finishedOlderThan: 3600) == 0)
                #expect(try await queue.purge(finishedOlderThan: 0) == 1)
            }
        }

        @Test("stats count every state and the oldest runnable age", arguments: QueueDriver.allCases)
        func stats(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                var stats = try await queue.stats()
                #expect(stats.total == 0 && stats.counts.count == JobState.allCases.count && stats.oldestRunnableAge == nil)
                for index in 0..<6 { try await queue.enqueue(spec: "{}", key: "j\(index)") }
                clock.advance(by: 30)
                let first = try #require(try await queue.claim(workerID: "w", leaseSeconds: 300))
                try await queue.complete(jobID: first.job.id, token: first.token, result: nil)
                let second = try #require(try await queue.claim(workerID: "w", leaseSeconds: 300))
                try await queue.fail(jobID: second.job.id, token: second.token, error: "e", retryable: false)
                let third = try #require(try await queue.claim(workerID: "w", leaseSeconds: 300))
                try await queue.fail(jobID: third.job.id, token: third.token, error: "e")
                _ = try #require(try await queue.claim(workerID: "w", leaseSeconds: 300))
                let fifth = try #require(try await queue.list(state: .queued, limit: 1).first)
                try await queue.cancel(fifth.id)

                stats = try await queue.stats()
                #expect(stats[.succeeded] == 1 && stats[.dead] == 1 && stats[.failed] == 1)
                #expect(stats[.running] == 1 && stats[.cancelled] == 1 && stats[.queued] == 1)
                #expect(stats.total == 6)
                // The remaining queued job has waited since enqueue (30 s); the failed one is backing off.
                #expect(abs((stats.oldestRunnableAge ?? 0) - 30) < 0.01)
            }
        }

        @Test("list is newest first and honours the limit", arguments: QueueDriver.allCases)
        func listOrder(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                var ids: [String] = []
                for index in 0..<5 {
                    ids.append(try await queue.enqueue(spec: "{}", key: "k\(index)").job.id)
                    if index % 2 == 0 { clock.advance(by: 1) }  // some share a created_at
                }
                #expect(try await queue.list(state: nil, limit: 10).map(\.id) == ids.reversed())
                #expect(try await queue.list(state: .queued, limit: 2).map(\.id) == [ids[4], ids[3]])
            }
        }

        @Test("migrations run by themselves once: opening again, or two at once, changes nothing", arguments: QueueDriver.allCases)
        func migrationsIdempotent(driver: QueueDriver) async throws {
            let harness = try await QueueHarness.make(driver)
            do {
                // Two instances opening an empty database at the same time.
                async let first = harness.open()
                async let second = harness.open()
                let (a, b) = try await (first, second)
                let id = try await a.enqueue(spec: "{}", key: "survives").job.id
                #expect(try await b.job(id)?.key == "survives")
                await a.close()
                let third = try await harness.open()
                #expect(try await third.job(id)?.key == "survives")

                switch third {
                case let sqlite as SQLiteJobQueue:
                    let applied = try await sqlite.pool.read { try SQLiteJobQueue.migrator.appliedMigrations($0) }
                    #expect(applied == ["v1_jobs_and_attempts"])
                case let postgres as PostgresJobQueue:
                    #expect(try await PostgresMigrations.apply(client: postgres.client, logger: QueueHarness.logger).isEmpty)
                    let rows = try await postgres.rows("test", "SELECT version FROM schema_migrations")
                    #expect(try rows.map { try $0.makeRandomAccess()["version"].decode(Int.self) } == PostgresMigrations.steps.map(\.version))
                default:
                    Issue.record("unexpected driver \(type(of: third))")
                }
            } catch {
                await harness.tearDown()
                throw error
            }
            await harness.tearDown()
        }

        @Test("waitForWork returns early when a job is enqueued, and false after the timeout", arguments: QueueDriver.allCases)
        func waitForWork(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, _, harness in
                // PostgreSQL: the enqueue comes from another instance (NOTIFY); SQLite: from the same process.
                let producer = driver == .postgres ? try await harness.open() : queue
                // Drain a pending wake-up (the PostgreSQL listener signals once when it connects).
                _ = await queue.waitForWork(timeout: .milliseconds(300))
                let clock = ContinuousClock()
                var started = clock.now
                #expect(await queue.waitForWork(timeout: .milliseconds(200)) == false)
                #expect(clock.now - started >= .milliseconds(150))

                started = clock.now
                async let woke = queue.waitForWork(timeout: .seconds(20))
                try await Task.sleep(for: .milliseconds(100))
                try await producer.enqueue(spec: "{}")
                #expect(await woke == true)
                #expect(clock.now - started < .seconds(10))
            }
        }
    }
}
