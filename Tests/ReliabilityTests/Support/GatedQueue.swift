import Foundation
import Queue

/// A queue that forwards everything to `base`, except that while `heartbeatsHeld` is set, heartbeats are
/// swallowed and reported as successful: the worker believes it holds its lease while the lease runs out
/// (a worker paused, or cut off on a path that loses its writes). Setting it back lets the next heartbeat
/// reach the queue, which then tells the worker whether its claim is still current.
final class GatedQueue: JobQueue, @unchecked Sendable {
    // `held` is only read and written under `lock`.
    private let base: any JobQueue
    private let lock = NSLock()
    private var held = true
    private var swallowed = 0

    init(_ base: any JobQueue) { self.base = base }

    var heartbeatsHeld: Bool {
        get { lock.lock(); defer { lock.unlock() }; return held }
        set { lock.lock(); held = newValue; lock.unlock() }
    }

    var swallowedHeartbeats: Int { lock.lock(); defer { lock.unlock() }; return swallowed }

    func heartbeat(jobID: String, token: Int, progress: Double?, leaseSeconds: TimeInterval) async throws -> HeartbeatSignal {
        let hold: Bool = {
            lock.lock(); defer { lock.unlock() }
            if held { swallowed += 1 }
            return held
        }()
        if hold { return .keepGoing }
        return try await base.heartbeat(jobID: jobID, token: token, progress: progress, leaseSeconds: leaseSeconds)
    }

    func enqueue(_ job: NewJob) async throws -> EnqueueResult { try await base.enqueue(job) }
    func job(_ id: String) async throws -> JobRecord? { try await base.job(id) }
    func list(state: JobState?, limit: Int) async throws -> [JobRecord] { try await base.list(state: state, limit: limit) }
    func attempts(jobID: String) async throws -> [AttemptRecord] { try await base.attempts(jobID: jobID) }
    func claim(workerID: String, leaseSeconds: TimeInterval) async throws -> ClaimedJob? {
        try await base.claim(workerID: workerID, leaseSeconds: leaseSeconds)
    }
    func complete(jobID: String, token: Int, result: String?) async throws {
        try await base.complete(jobID: jobID, token: token, result: result)
    }
    func fail(jobID: String, token: Int, failure: AttemptFailure) async throws -> JobState {
        try await base.fail(jobID: jobID, token: token, failure: failure)
    }
    func releaseLease(jobID: String, token: Int) async throws { try await base.releaseLease(jobID: jobID, token: token) }
    func rescueExpired() async throws -> Int { try await base.rescueExpired() }
    func retry(_ id: String) async throws -> JobRecord { try await base.retry(id) }
    func retryAll(state: JobState, dryRun: Bool) async throws -> Int { try await base.retryAll(state: state, dryRun: dryRun) }
    func cancel(_ id: String) async throws -> JobRecord { try await base.cancel(id) }
    func purge(finishedOlderThan age: TimeInterval) async throws -> Int { try await base.purge(finishedOlderThan: age) }
    func stats() async throws -> QueueStats { try await base.stats() }
    func waitForWork(timeout: Duration) async -> Bool { await base.waitForWork(timeout: timeout) }
    func close() async { await base.close() }
}
