import Foundation
import Queue
import Testing
@testable import Worker

/// The worker in this process, its attempts in real child processes.
@Suite(.serialized) struct WorkerTests {
    typealias S = WorkerSupport

    func configuration(_ dir: String, _ changes: (inout WorkerConfiguration) -> Void = { _ in }) -> WorkerConfiguration {
        var c = WorkerConfiguration(
            workerID: "test-worker", concurrency: 1, drain: true, leaseSeconds: 30, inputRoot: dir + "/in",
            outputRoot: dir + "/out", jobsDirectory: S.repoRoot.appendingPathComponent("jobs").path, threadsPerAttempt: 2,
            pollSeconds: 0.2, childCommand: [S.mediaworker, "attempt"])
        changes(&c)
        return c
    }

    @Test("a job runs in a child, its outputs are published with result.json, nothing else is left in the output root")
    func successPublishes() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try S.makeClip(dir + "/in/clip.mp4", seconds: 2)
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: S.spec(input: "clip.mp4")).job.id
        try await Worker(queue: queue, configuration: configuration(dir), logger: S.quietLogger).run()

        let job = try #require(try await queue.job(id))
        #expect(job.state == .succeeded, "\(job.error ?? "")")
        let result = try JSONSerialization.jsonObject(with: Data((job.result ?? "{}").utf8)) as? [String: Any]
        let outputs = result?["outputs"] as? [[String: Any]] ?? []
        #expect(outputs.map { $0["path"] as? String } == ["small.mp4", "thumb-01.png", "thumb-02.png"])
        for name in ["small.mp4", "thumb-01.png", "thumb-02.png", "result.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/out/\(id)/\(name)"), "\(name) missing")
        }
        #expect(S.strayEntries(in: dir + "/out", finals: [id]).isEmpty)
        let attempts = try await queue.attempts(jobID: id)
        #expect(attempts.map(\.outcome) == [.succeeded])
        #expect(attempts.first?.progress == 1)
        await queue.close()
    }

    @Test("a child that segfaults and one that hangs are recorded as such and retried, while other jobs succeed")
    func faultsAreRecorded() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try S.makeClip(dir + "/in/clip.mp4", seconds: 2)
        let queue = try await S.queue(in: dir)
        let segv = try await queue.enqueue(spec: S.fault("segv"), maxAttempts: 2).job.id
        let hang = try await queue.enqueue(spec: S.fault("hang"), maxAttempts: 2).job.id
        let good = try await queue.enqueue(spec: S.spec(input: "clip.mp4")).job.id
        let child = try S.fakeChild(in: dir)
        try await Worker(queue: queue, configuration: configuration(dir) {
            $0.concurrency = 2
            $0.stallSeconds = 5
            $0.childCommand = child
        }, logger: S.quietLogger).run()

        let segvAttempts = try await queue.attempts(jobID: segv)
        #expect(segvAttempts.map(\.outcome) == [.crashed, .crashed])
        #expect(segvAttempts.allSatisfy { $0.error == "crashed: signal 11 (SIGSEGV)" })
        #expect(try await queue.job(segv)?.state == .dead)

        let hangAttempts = try await queue.attempts(jobID: hang)
        #expect(hangAttempts.map(\.outcome) == [.stalled, .stalled])
        #expect(hangAttempts.allSatisfy { $0.error == "killed: no progress for 5 s" })
        #expect(hangAttempts.allSatisfy { ($0.logTail ?? "").contains("killed: no progress for 5 s") })
        #expect(try await queue.job(hang)?.state == .dead)

        #expect(try await queue.job(good)?.state == .succeeded)
        #expect(S.processes(containing: "sleep 600").isEmpty, "a stalled child's process survived")
        #expect(S.strayEntries(in: dir + "/out", finals: [good]).isEmpty)
        await queue.close()
    }

    @Test("an attempt that keeps reporting progress past the timeout is killed as timed out")
    func timeout() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: S.fault("progress"), maxAttempts: 1).job.id
        let started = Date()
        try await Worker(queue: queue, configuration: configuration(dir) {
            $0.stallSeconds = 1
            $0.timeoutSeconds = 2
            $0.childCommand = try! S.fakeChild(in: dir)
        }, logger: S.quietLogger).run()
        // The child reports progress for ever, so only the 2 s timeout ends it; the bound leaves room for a slow
        // (sanitized) run, where 10 s was once exceeded by 0.36 s.
        #expect(Date().timeIntervalSince(started) < 30)
        let attempts = try await queue.attempts(jobID: id)
        #expect(attempts.map(\.outcome) == [.timedOut])
        #expect(attempts.first?.error == "killed: timeout after 2 s")
        #expect(try await queue.job(id)?.state == .dead)
        await queue.close()
    }

    @Test("an operator's cancel stops the running attempt at its next heartbeat")
    func cancelRunning() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: S.fault("progress")).job.id
        let worker = try Worker(queue: queue, configuration: configuration(dir) {
            $0.drain = false
            $0.leaseSeconds = 1.5
            $0.childCommand = try! S.fakeChild(in: dir)
        }, logger: S.quietLogger)
        let running = Task { try await worker.run() }
        #expect(try await S.eventually(within: 20) { try await queue.job(id)?.state == .running })
        try await queue.cancel(id)
        // Within a few heartbeats; the bound leaves room for a loaded machine.
        #expect(try await S.eventually(within: 30) { try await queue.job(id)?.state == .cancelled })
        #expect(try await queue.attempts(jobID: id).map(\.outcome) == [.cancelled])
        worker.requestShutdown()
        try await running.value
        await queue.close()
    }

    @Test("shutdown: no more claims; an attempt still running after the grace period is stopped and its lease released")
    func shutdownReleases() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: S.fault("progress")).job.id
        let second = try await queue.enqueue(spec: S.fault("progress")).job.id
        let worker = try Worker(queue: queue, configuration: configuration(dir) {
            $0.drain = false
            $0.graceSeconds = 1
            $0.childCommand = try! S.fakeChild(in: dir)
        }, logger: S.quietLogger)
        let running = Task { try await worker.run() }
        #expect(try await S.eventually(within: 20) { try await queue.job(id)?.state == .running })
        let stopAsked = Date()
        worker.requestShutdown()
        try await running.value
        // The grace is 1 s and the fake child never ends by itself; the bound leaves room for a loaded machine
        // (this process's cooperative pool is shared with the other async suites).
        #expect(Date().timeIntervalSince(stopAsked) < 30, "the worker outlived its grace period")
        let job = try #require(try await queue.job(id))
        #expect(job.state == .queued)
        #expect(job.attempts == 0, "a released attempt must not use up the retry budget")
        #expect(try await queue.attempts(jobID: id).map(\.outcome) == [.released])
        #expect(try await queue.job(second)?.state == .queued, "claimed after shutdown began")
        await queue.close()
    }

    @Test("an attempt runs under the configured address-space limit (RLIMIT_AS); a sanitized build, which could not start under one, runs it without")
    func memoryLimit() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: S.fault("limits"), maxAttempts: 1).job.id
        try await Worker(queue: queue, configuration: configuration(dir) {
            $0.memoryLimitBytes = 3 << 30
            $0.childCommand = ["/bin/sh", "-c", #"echo "address space: $(ulimit -v)" >&2; exit 3"#, "limits"]
        }, logger: S.quietLogger).run()
        let attempt = try #require(try await queue.attempts(jobID: id).first)
        // ulimit -v counts KiB.
        let expected = WorkerConfiguration.sanitizer == nil ? "\(3 << 20)" : "unlimited"
        #expect((attempt.logTail ?? "").contains("address space: \(expected)"), "\(attempt.logTail ?? "")")
        await queue.close()
    }
}
