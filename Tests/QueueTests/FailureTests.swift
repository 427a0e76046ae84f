import Foundation
import Testing
@testable import Queue

extension QueueContract {
    @Suite("Failures and retries")
    struct Failures {
        @Test("failed attempts back off exponentially within the jitter bounds, then the job is dead", arguments: QueueDriver.allCases)
        func backoffThenDead(driver: QueueDriver) async throws {
            let backoff = Backoff(base: 10, cap: 35, jitter: 0.2)
            try await withQueue(driver, configure: { $0.backoff = backoff }) { queue, clock, _ in
                let id = try await queue.enqueue(spec: "{}", maxAttempts: 4).job.id
                var delays: [TimeInterval] = []
                for attempt in 1...3 {
                    let claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                    #expect(claimed.token == attempt)
                    let state = try await queue.fail(jobID: id, token: claimed.token, error: "boom \(attempt)", logTail: "log \(attempt)")
                    #expect(state == .failed)
                    let job = try #require(try await queue.job(id))
                    #expect(job.state == .failed)
                    #expect(job.error == "boom \(attempt)")
                    #expect(job.finishedAt == nil && job.leaseUntil == nil)
                    let delay = job.runAt.timeIntervalSince(clock.now)
                    let bounds = backoff.bounds(afterAttempt: attempt)
                    #expect(delay >= bounds.lowerBound - 0.001 && delay <= bounds.upperBound + 0.001, "attempt \(attempt): \(delay) not in \(bounds)")
                    delays.append(delay)
                    // Not runnable before run_at.
                    clock.advance(by: delay - 0.5)
                    #expect(try await queue.claim(workerID: "w", leaseSeconds: 30) == nil)
                    clock.advance(by: 1)
                }
                // Nominal 10, 20, 35 (capped): the jittered ranges 8…12, 16…24, 28…42 do not overlap below the cap.
                #expect(delays[0] < delays[1])
                #expect(backoff.nominalDelay(afterAttempt: 3) == 35)

                let last = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                #expect(last.token == 4)
                #expect(try await queue.fail(jobID: id, token: 4, error: "final") == .dead)
                let dead = try #require(try await queue.job(id))
                #expect(dead.state == .dead)
                #expect(dead.attempts == 4)
                #expect(close(dead.finishedAt, clock.now))
                let attempts = try await queue.attempts(jobID: id)
                #expect(attempts.map(\.attempt) == [1, 2, 3, 4])
                #expect(attempts.allSatisfy { $0.outcome == .failed && $0.endedAt != nil })
                #expect(attempts.map(\.logTail) == ["log 1", "log 2", "log 3", nil])
                #expect(try await queue.claim(workerID: "w", leaseSeconds: 30) == nil)
            }
        }

        @Test("a non-retryable failure is dead at once; outcomes and log tails are recorded", arguments: QueueDriver.allCases)
        func nonRetryable(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, _, _ in
                let id = try await queue.enqueue(spec: "{}", maxAttempts: 5).job.id
                let claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                _ = try await queue.heartbeat(jobID: id, token: claimed.token, progress: 0.25, leaseSeconds: 30)
                let longLog = String(repeating: "é", count: 6000) + "THE END"  // 12007 bytes
                let state = try await queue.fail(
                    jobID: id, token: claimed.token, error: "unsupported codec", logTail: longLog, outcome: .crashed,
                    retryable: false)
                #expect(state == .dead)
                #expect(try await queue.job(id)?.state == .dead)
                let attempt = try #require(try await queue.attempts(jobID: id).first)
                #expect(attempt.outcome == .crashed)
                #expect(attempt.error == "unsupported codec")
                #expect(attempt.progress == 0.25)
                let tail = try #require(attempt.logTail)
                #expect(tail.utf8.count <= 8192 && tail.utf8.count > 8000)
                #expect(tail.hasSuffix("THE END") && longLog.hasSuffix(tail))
            }
        }

        @Test("retry: dead, failed, cancelled and succeeded jobs run again; attempts kept, budget raised by one", arguments: QueueDriver.allCases)
        func retry(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, clock, _ in
                let id = try await queue.enqueue(spec: "{}", maxAttempts: 1).job.id
                var claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                #expect(try await queue.fail(jobID: id, token: claimed.token, error: "x") == .dead)

                clock.advance(by: 100)
                let retried = try await queue.retry(id)
                #expect(retried.state == .queued)
                #expect(retried.attempts == 1 && retried.maxAttempts == 2)
                #expect(close(retried.runAt, clock.now))
                #expect(retried.finishedAt == nil)
                await expectQueueError(.invalidTransition) { try await queue.retry(id) }  // queued

                claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                #expect(claimed.token == 2)
                await expectQueueError(.invalidTransition) { try await queue.retry(id) }  // running
                try await queue.complete(jobID: id, token: 2, result: #"{"ok":true}"#)

                // Re-run a succeeded job on request.
                let rerun = try await queue.retry(id)
                #expect(rerun.state == .queued && rerun.result == nil && rerun.maxAttempts == 3)
                claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                #expect(claimed.token == 3)
                #expect(try await queue.attempts(jobID: id).map(\.attempt) == [1, 2, 3])
                try await queue.complete(jobID: id, token: 3, result: nil)

                // A failed job (attempts left) keeps its budget but runs now instead of after the backoff.
                let other = try await queue.enqueue(spec: "{}", maxAttempts: 5).job.id
                claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                try await queue.fail(jobID: other, token: claimed.token, error: "transient")
                #expect(try await queue.claim(workerID: "w", leaseSeconds: 30) == nil)
                let again = try await queue.retry(other)
                #expect(again.maxAttempts == 5)
                #expect(try await queue.claim(workerID: "w", leaseSeconds: 30)?.job.id == other)

                await expectQueueError(.notFound) { try await queue.retry("nope") }
            }
        }

        @Test("retryAll: a dry run counts, a real run moves failed or dead jobs to queued", arguments: QueueDriver.allCases)
        func retryAll(driver: QueueDriver) async throws {
            try await withQueue(driver) { queue, _, _ in
                for index in 0..<5 {
                    let id = try await queue.enqueue(spec: "{}", key: "k\(index)", maxAttempts: 3).job.id
                    let claimed = try #require(try await queue.claim(workerID: "w", leaseSeconds: 30))
                    #expect(claimed.job.id == id)
                    // 0, 1, 2 die; 3, 4 fail with attempts left.
                    try await queue.fail(jobID: id, token: claimed.token, error: "e", retryable: index >= 3)
                }
                var stats = try await queue.stats()
                #expect(stats[.dead] == 3 && stats[.failed] == 2)

                #expect(try await queue.retryAll(state: .dead, dryRun: true) == 3)
                stats = try await queue.stats()
                #expect(stats[.dead] == 3 && stats[.queued] == 0)

                #expect(try await queue.retryAll(state: .dead, dryRun: false) == 3)
                stats = try await queue.stats()
                #expect(stats[.dead] == 0 && stats[.queued] == 3 && stats[.failed] == 2)
                #expect(try await queue.list(state: .queued, limit: 10).allSatisfy { $0.maxAttempts == 3 })

                #expect(try await queue.retryAll(state: .failed, dryRun: false) == 2)
                #expect(try await queue.stats()[.queued] == 5)
                #expect(try await queue.retryAll(state: .dead, dryRun: false) == 0)
                await expectQueueError(.invalidArgument) { try await queue.retryAll(state: .queued, dryRun: true) }
            }
        }
    }
}
