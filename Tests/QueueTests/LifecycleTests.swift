import Foundation
import Testing
@testable import Queue

extension QueueContract {
    @Suite("Lifecycle")
    struct Lifecycle {
        @Test("enqueue stores every field; job, list and attempts read them back", arguments: QueueDriver.allCases)
        func enqueueAndRead(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let result = try await queue.enqueue(spec: #"{"input":"a.mp4"}"#, key: "upload-1", priority: 3, maxAttempts: 4)
                let job = result.job
                #expect(!result.existing)
                #expect(job.id.count == 26)
                #expect(job.key == "upload-1")
                #expect(job.state == .queued)
                #expect(job.priority == 3)
                #expect(job.maxAttempts == 4)
                #expect(job.attempts == 0 && job.claims == 0)
                #expect(job.spec == #"{"input":"a.mp4"}"#)
                #expect(job.result == nil && job.error == nil && job.progress == nil)
                #expect(job.leaseUntil == nil && job.workerID == nil && job.finishedAt == nil)
                #expect(close(job.runAt, clock.now) && close(job.createdAt, clock.now))

                let read = try #require(try await queue.job(job.id))
                #expect(read == job)
                #expect(try await queue.job("no-such-id") == nil)
                #expect(try await queue.list(state: .queued, limit: 10).map(\.id) == [job.id])
                #expect(try await queue.list(state: .running, limit: 10).isEmpty)
                #expect(try await queue.attempts(jobID: job.id).isEmpty)

                let keyless = try await queue.enqueue(spec: "{}")
                #expect(keyless.job.key == keyless.job.id)
                #expect(try await queue.list(state: nil, limit: 10).count == 2)
            }
        }

        @Test("enqueuing an existing key returns the existing job and says so", arguments: QueueDriver.allCases)
        func idempotencyKey(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, _, _ in
                let first = try await queue.enqueue(spec: #"{"v":1}"#, key: "same", priority: 1)
                let second = try await queue.enqueue(spec: #"{"v":2}"#, key: "same", priority: 9)
                #expect(!first.existing)
                #expect(second.existing)
                #expect(second.job == first.job)
                #expect(second.job.spec == #"{"v":1}"#)
                #expect(try await queue.stats().total == 1)
                await expectQueueError(.invalidArgument) { try await queue.enqueue(spec: "{}", key: "") }
                await expectQueueError(.invalidArgument) { try await queue.enqueue(spec: "{}", maxAttempts: 0) }
            }
        }

        @Test("queued → running → succeeded, with heartbeat progress and the attempt row", arguments: QueueDriver.allCases)
        func claimHeartbeatComplete(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let id = try await queue.enqueue(spec: "{}").job.id
                let claimed = try #require(try await queue.claim(workerID: "w1", leaseSeconds: 30))
                #expect(claimed.job.id == id)
                #expect(claimed.token == 1)
                #expect(claimed.job.state == .running)
                #expect(claimed.job.attempts == 1 && claimed.job.claims == 1)
                #expect(claimed.job.workerID == "w1")
                #expect(close(claimed.leaseUntil, clock.now.addingTimeInterval(30)))
                #expect(close(claimed.job.leaseUntil, claimed.leaseUntil))

                let open = try await queue.attempts(jobID: id)
                #expect(open.count == 1)
                #expect(open.first?.attempt == 1 && open.first?.workerID == "w1")
                #expect(open.first?.endedAt == nil && open.first?.outcome == nil)

                // Nothing else is runnable while it runs.
                #expect(try await queue.claim(workerID: "w2", leaseSeconds: 30) == nil)

                clock.advance(by: 10)
                let signal = try await queue.heartbeat(jobID: id, token: 1, progress: 0.5, leaseSeconds: 30)
                #expect(signal == .keepGoing)
                var running = try #require(try await queue.job(id))
                #expect(running.progress == 0.5)
                #expect(close(running.leaseUntil, clock.now.addingTimeInterval(30)))
                // A nil progress keeps the last one.
                _ = try await queue.heartbeat(jobID: id, token: 1, progress: nil, leaseSeconds: 30)
                running = try #require(try await queue.job(id))
                #expect(running.progress == 0.5)

                clock.advance(by: 5)
                try await queue.complete(jobID: id, token: 1, result: #"{"outputs":2}"#)
                let done = try #require(try await queue.job(id))
                #expect(done.state == .succeeded)
                #expect(done.result == #"{"outputs":2}"#)
                #expect(done.progress == 1)
                #expect(done.leaseUntil == nil)
                #expect(close(done.finishedAt, clock.now))
                let attempts = try await queue.attempts(jobID: id)
                #expect(attempts.count == 1)
                #expect(attempts.first?.outcome == .succeeded)
                #expect(close(attempts.first?.endedAt, clock.now))
                #expect(attempts.first?.progress == 1)

                #expect(try await queue.claim(workerID: "w1", leaseSeconds: 30) == nil)
                // The token is spent: the job is no longer running with it.
                await expectQueueError(.staleToken) { try await queue.complete(jobID: id, token: 1, result: nil) }
                await expectQueueError(.notFound) { try await queue.complete(jobID: "nope", token: 1, result: nil) }
                await expectQueueError(.invalidArgument) { try await queue.claim(workerID: "w", leaseSeconds: 0) }
            }
        }

        @Test("claim order: priority, then run_at, then creation order", arguments: QueueDriver.allCases)
        func priorityOrder(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let start = clock.now
                let low = try await queue.enqueue(spec: "{}", key: "low", priority: 0).job.id
                let highLate = try await queue.enqueue(spec: "{}", key: "high-late", priority: 10, runAt: start.addingTimeInterval(-1)).job.id
                let highEarly = try await queue.enqueue(spec: "{}", key: "high-early", priority: 10, runAt: start.addingTimeInterval(-5)).job.id
                let midFirst = try await queue.enqueue(spec: "{}", key: "mid-1", priority: 5).job.id
                let midSecond = try await queue.enqueue(spec: "{}", key: "mid-2", priority: 5).job.id
                let negative = try await queue.enqueue(spec: "{}", key: "neg", priority: -3).job.id
                var order: [String] = []
                while let claimed = try await queue.claim(workerID: "w", leaseSeconds: 60) {
                    order.append(claimed.job.id)
                }
                #expect(order == [highEarly, highLate, midFirst, midSecond, low, negative])
            }
        }

        @Test("a job whose run_at is in the future is not claimable until then", arguments: QueueDriver.allCases)
        func futureRunAt(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let id = try await queue.enqueue(spec: "{}", runAt: clock.now.addingTimeInterval(60)).job.id
                #expect(try await queue.claim(workerID: "w", leaseSeconds: 30) == nil)
                #expect(try await queue.stats().oldestRunnableAge == nil)
                clock.advance(by: 59)
                #expect(try await queue.claim(workerID: "w", leaseSeconds: 30) == nil)
                clock.advance(by: 2)
                let stats = try await queue.stats()
                #expect(abs((stats.oldestRunnableAge ?? -1) - 1) < 0.01)
                #expect(try await queue.claim(workerID: "w", leaseSeconds: 30)?.job.id == id)
            }
        }
    }
}
