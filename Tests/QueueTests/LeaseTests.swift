import Foundation
import Testing
@testable import Queue

extension QueueContract {
    @Suite("Leases, fencing and cancellation")
    struct Leases {
        @Test("an expired lease is rescued: failed and runnable at once, attempt closed as lost_lease", arguments: QueueDriver.allCases)
        func rescue(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let id = try await queue.enqueue(spec: "{}", maxAttempts: 2).job.id
                _ = try #require(try await queue.claim(workerID: "dead-worker", leaseSeconds: 30))
                clock.advance(by: 29)
                #expect(try await queue.rescueExpired() == 0)
                clock.advance(by: 2)
                #expect(try await queue.rescueExpired() == 1)
                let job = try #require(try await queue.job(id))
                #expect(job.state == .failed)
                #expect(job.error == "lease expired (worker presumed dead)")
                #expect(job.leaseUntil == nil)
                let attempt = try #require(try await queue.attempts(jobID: id).first)
                #expect(attempt.outcome == .lostLease)
                #expect(attempt.error == "lease expired (worker presumed dead)")
                #expect(close(attempt.endedAt, clock.now))

                // Attempts exhausted: the next expiry is final.
                let second = try #require(try await queue.claim(workerID: "w2", leaseSeconds: 30))
                #expect(second.token == 2)
                clock.advance(by: 31)
                #expect(try await queue.rescueExpired() == 1)
                #expect(try await queue.job(id)?.state == .dead)
            }
        }

        @Test("claim rescues first: an expired running job is claimable by another worker", arguments: QueueDriver.allCases)
        func claimRescues(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let id = try await queue.enqueue(spec: "{}").job.id
                _ = try #require(try await queue.claim(workerID: "a", leaseSeconds: 10))
                #expect(try await queue.claim(workerID: "b", leaseSeconds: 10) == nil)
                clock.advance(by: 11)
                let claimed = try #require(try await queue.claim(workerID: "b", leaseSeconds: 10))
                #expect(claimed.job.id == id && claimed.token == 2 && claimed.job.workerID == "b")
                #expect(try await queue.attempts(jobID: id).map(\.outcome) == [.lostLease, nil])
            }
        }

        @Test("a stale fencing token is refused and changes nothing", arguments: QueueDriver.allCases)
        func staleToken(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, harness in
                let other = try await harness.open()  // a second worker process on the same database
                let id = try await queue.enqueue(spec: "{}").job.id
                let old = try #require(try await queue.claim(workerID: "old", leaseSeconds: 10))
                clock.advance(by: 11)
                let new = try #require(try await other.claim(workerID: "new", leaseSeconds: 60))
                #expect(new.token == old.token + 1)
                _ = try await other.heartbeat(jobID: id, token: new.token, progress: 0.3, leaseSeconds: 60)

                let before = try #require(try await queue.job(id))
                let attemptsBefore = try await queue.attempts(jobID: id)
                await expectQueueError(.staleToken) {
                    try await queue.heartbeat(jobID: id, token: old.token, progress: 0.9, leaseSeconds: 600)
                }
                await expectQueueError(.leaseLost) { try await queue.complete(jobID: id, token: old.token, result: "{}") }
                await expectQueueError(.staleToken) {
                    try await queue.fail(jobID: id, token: old.token, error: "late", retryable: false)
                }
                await expectQueueError(.staleToken) { try await queue.releaseLease(jobID: id, token: old.token) }
                // A token from the future is just as wrong.
                await expectQueueError(.staleToken) { try await queue.complete(jobID: id, token: new.token + 1, result: nil) }
                #expect(try await queue.job(id) == before)
                #expect(try await queue.attempts(jobID: id) == attemptsBefore)

                try await other.complete(jobID: id, token: new.token, result: #"{"by":"new"}"#)
                let done = try #require(try await queue.job(id))
                #expect(done.state == .succeeded && done.result == #"{"by":"new"}"# && done.workerID == "new")
                await expectQueueError(.staleToken) {
                    try await other.heartbeat(jobID: id, token: new.token, progress: nil, leaseSeconds: 10)
                }
                await expectQueueError(.notFound) {
                    try await queue.heartbeat(jobID: "missing", token: 1, progress: nil, leaseSeconds: 10)
                }
            }
        }

        @Test("releaseLease: running → queued at once, the attempt is given back, the token is not reused", arguments: QueueDriver.allCases)
        func release(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let id = try await queue.enqueue(spec: "{}", maxAttempts: 1).job.id
                let first = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                _ = try await queue.heartbeat(jobID: id, token: first.token, progress: 0.4, leaseSeconds: 30)
                clock.advance(by: 3)
                try await queue.releaseLease(jobID: id, token: first.token)
                let job = try #require(try await queue.job(id))
                #expect(job.state == .queued)
                #expect(job.attempts == 0 && job.claims == 1)
                #expect(job.leaseUntil == nil && job.workerID == nil)
                #expect(close(job.runAt, clock.now))
                let released = try #require(try await queue.attempts(jobID: id).first)
                #expect(released.outcome == .released && released.progress == 0.4)

                // max_attempts is 1 and it still runs: the released attempt did not count.
                let second = try #require(try await queue.claim(workerID: "w2", leaseSeconds: 30))
                #expect(second.token == 2 && second.job.attempts == 1)
                await expectQueueError(.staleToken) { try await queue.heartbeat(jobID: id, token: 1, progress: nil, leaseSeconds: 30) }
                #expect(try await queue.fail(jobID: id, token: 2, error: "x") == .dead)
            }
        }

        @Test("cancel: queued and failed jobs at once; finished ones refuse", arguments: QueueDriver.allCases)
        func cancelWaiting(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let queued = try await queue.enqueue(spec: "{}", key: "q").job.id
                let cancelled = try await queue.cancel(queued)
                #expect(cancelled.state == .cancelled && close(cancelled.finishedAt, clock.now))
                #expect(try await queue.cancel(queued).state == .cancelled)  // idempotent
                #expect(try await queue.claim(workerID: "w", leaseSeconds: 30) == nil)

                let failing = try await queue.enqueue(spec: "{}", key: "f").job.id
                let claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                try await queue.fail(jobID: failing, token: claimed.token, error: "e")
                #expect(try await queue.cancel(failing).state == .cancelled)
                clock.advance(by: 3600)
                #expect(try await queue.claim(workerID: "w", leaseSeconds: 30) == nil)

                let succeeded = try await queue.enqueue(spec: "{}", key: "s").job.id
                let run = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                try await queue.complete(jobID: succeeded, token: run.token, result: nil)
                await expectQueueError(.invalidTransition) { try await queue.cancel(succeeded) }
                await expectQueueError(.notFound) { try await queue.cancel("nope") }

                // A cancelled job can be retried.
                #expect(try await queue.retry(queued).state == .queued)
            }
        }

        @Test("cancel a running job: the heartbeat says stop, the worker fails it as cancelled", arguments: QueueDriver.allCases)
        func cancelRunning(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, _, harness in
                let operatorQueue = try await harness.open()
                let id = try await queue.enqueue(spec: "{}").job.id
                let claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                #expect(try await queue.heartbeat(jobID: id, token: claimed.token, progress: 0.1, leaseSeconds: 30) == .keepGoing)

                let requested = try await operatorQueue.cancel(id)
                #expect(requested.state == .running && requested.cancelRequested)
                #expect(try await queue.heartbeat(jobID: id, token: claimed.token, progress: 0.2, leaseSeconds: 30) == .cancelRequested)

                let state = try await queue.fail(jobID: id, token: claimed.token, error: "cancelled by operator", outcome: .cancelled)
                #expect(state == .cancelled)
                let job = try #require(try await queue.job(id))
                #expect(job.state == .cancelled && !job.cancelRequested && job.finishedAt != nil)
                #expect(try await queue.attempts(jobID: id).first?.outcome == .cancelled)

                // A worker that ignores the request and fails otherwise still ends cancelled, never retried.
                let other = try await queue.enqueue(spec: "{}").job.id
                let second = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                _ = try await operatorQueue.cancel(other)
                #expect(try await queue.fail(jobID: other, token: second.token, error: "crash", outcome: .crashed) == .cancelled)
            }
        }
    }
}
