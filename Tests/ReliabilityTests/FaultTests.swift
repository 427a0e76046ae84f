import Foundation
import Queue
import Testing
import Worker

/// Faults around a running job: the child killed, the disk full, the lease lost under a running attempt,
/// a job that crashes every time. The worker runs in this process (so the test can shape its queue and its
/// child command); every attempt is a real `mediaworker attempt` child.
@Suite(.serialized) struct FaultTests {
    typealias H = Harness

    func configuration(_ f: H.Folder, _ changes: (inout WorkerConfiguration) -> Void = { _ in }) -> WorkerConfiguration {
        var c = WorkerConfiguration(
            workerID: "fault-worker", concurrency: 1, drain: true, leaseSeconds: 30, inputRoot: f.input,
            outputRoot: f.output, jobsDirectory: H.jobsDirectory, threadsPerAttempt: 1, pollSeconds: 0.2,
            childCommand: [H.mediaworker, "attempt"])
        changes(&c)
        return c
    }

    /// A job that runs for seconds on one thread: `seconds` of 640×360 through x264's medium preset.
    func slowJob(_ f: H.Folder, seconds: Double = 10) throws -> String {
        try H.clip(f.input + "/slow.mp4", seconds: seconds, size: "640x360")
        return #"{"version": 1, "input": "slow.mp4", "renditions": [{"name": "full", "width": 640, "height": 360, "fit": "cover", "crf": 20, "preset": "medium"}], "thumbnails": {"count": 2, "width": 64}}"#
    }

    static let slowOutputs: Set<String> = ["full.mp4", "thumb-01.png", "thumb-02.png", "result.json"]

    /// Bytes written so far under the job's staging folders (`.<id>.partial-*`).
    func stagedBytes(_ f: H.Folder, _ id: String) -> Int {
        H.allFiles(under: f.output).filter { $0.hasPrefix(".\(id).partial-") }.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: f.output + "/" + name)[.size] as? Int) ?? 0)
        }
    }

    func childOf(_ f: H.Folder, _ id: String) -> [Int32] { H.processes(containing: "attempt --output \(f.output)/\(id)") }

    /// The published folder holds exactly `expected`, and result.json lists the same outputs the queue recorded.
    func expectOneOutputSet(_ f: H.Folder, _ job: JobRecord, _ expected: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = Set(H.allFiles(under: "\(f.output)/\(job.id)"))
        #expect(files == expected, "published files: \(files.sorted())", sourceLocation: sourceLocation)
        let onDisk = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(f.output)/\(job.id)/result.json"))) as? [String: Any]
        let recorded = try JSONSerialization.jsonObject(with: Data((job.result ?? "{}").utf8)) as? [String: Any]
        let hashes = { (o: [String: Any]?) in ((o?["outputs"] as? [[String: Any]]) ?? []).compactMap { $0["sha256"] as? String } }
        #expect(!hashes(onDisk).isEmpty && hashes(onDisk) == hashes(recorded), "result.json and the queue's result differ",
                sourceLocation: sourceLocation)
        #expect(H.strayEntries(in: f.output, finals: [job.id]).isEmpty, "leftovers: \(H.strayEntries(in: f.output, finals: [job.id]))",
                sourceLocation: sourceLocation)
    }

    @Test("SIGKILL of the attempt's child mid-job: recorded as crashed by SIGKILL, retried, one final output set")
    func childKilled() async throws {
        let f = try H.folder()
        defer { f.remove() }
        let queue = try await H.sqliteQueue(f.queuePath)
        let id = try await queue.enqueue(spec: try slowJob(f), maxAttempts: 3).job.id
        let worker = try Worker(queue: queue, configuration: configuration(f), logger: H.quietLogger)
        let run = Task { try await worker.run() }

        // Mid-job: the child runs and its staging folder already holds part of the video.
        #expect(try await H.eventually(within: 120) { childOf(f, id).count == 1 && stagedBytes(f, id) > 0 }, "no child at work")
        let children = childOf(f, id)
        try #require(children.count == 1, "children: \(children)")
        kill(children[0], SIGKILL)
        try await run.value

        let job = try #require(try await queue.job(id))
        #expect(job.state == .succeeded, "\(job.error ?? "")")
        let attempts = try await queue.attempts(jobID: id)
        #expect(attempts.map(\.outcome) == [.crashed, .succeeded])
        #expect(attempts.first?.error == "crashed: signal 9 (SIGKILL)")
        try expectOneOutputSet(f, job, Self.slowOutputs)
        await queue.close()
    }

    static let diskFullLimit = 1 << 20

    @Test("disk full (RLIMIT_FSIZE on the child): a retryable failure saying 'File too large', nothing at the final path; the retry with room succeeds")
    func diskFull() async throws {
        let f = try H.folder()
        defer { f.remove() }
        try H.clip(f.input + "/clip.mp4", seconds: 10, size: "320x240")
        let spec = #"{"version": 1, "input": "clip.mp4", "renditions": [{"name": "big", "width": 320, "height": 240, "fit": "cover", "crf": 5, "preset": "ultrafast"}], "thumbnails": {"count": 1, "width": 64}}"#
        let queue = try await H.sqliteQueue(f.queuePath)
        let full = try await queue.enqueue(spec: spec, maxAttempts: 2).job.id
        let freed = try await queue.enqueue(spec: spec, maxAttempts: 2).job.id
        // The disk stays full for `full`; for `freed` only its first attempt finds it full. 1 MiB: `big.mp4` needs
        // about 2 MiB (checked below), and a ThreadSanitizer process cannot even start under 256 KiB (its runtime
        // dies of SIGBUS before main), so the same test runs in plain and sanitized builds.
        let wrapper = f.path + "/small-disk.sh"
        try """
        #!/bin/sh
        case "$MEDIAWORKER_JOB_ID:$MEDIAWORKER_ATTEMPT" in
          \(full):*|*:1) exec /usr/bin/prlimit --fsize=\(Self.diskFullLimit) "\(H.mediaworker)" attempt "$@" ;;
        esac
        exec "\(H.mediaworker)" attempt "$@"
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        try await Worker(queue: queue, configuration: configuration(f) { $0.childCommand = [wrapper] }, logger: H.quietLogger).run()

        let dead = try #require(try await queue.job(full))
        let deadAttempts = try await queue.attempts(jobID: full)
        #expect(dead.state == .dead)
        #expect(deadAttempts.map(\.outcome) == [.failed, .failed], "\(deadAttempts.map(\.error))")
        for attempt in deadAttempts {
            #expect(attempt.error?.contains("File too large") == true, "\(attempt.error ?? "")")
            #expect(attempt.error?.contains("crashed") == false)
        }
        #expect(!FileManager.default.fileExists(atPath: "\(f.output)/\(full)"), "something at the full job's output path")

        let job = try #require(try await queue.job(freed))
        let attempts = try await queue.attempts(jobID: freed)
        #expect(job.state == .succeeded, "\(job.error ?? "")")
        #expect(attempts.map(\.outcome) == [.failed, .succeeded])
        #expect(attempts.first?.error?.contains("File too large") == true, "\(attempts.first?.error ?? "")")
        try expectOneOutputSet(f, job, ["big.mp4", "thumb-01.png", "result.json"])
        let bigSize = (try FileManager.default.attributesOfItem(atPath: "\(f.output)/\(freed)/big.mp4")[.size] as? Int) ?? 0
        #expect(bigSize > Self.diskFullLimit, "big.mp4 is \(bigSize) bytes: the limit must be below it to be hit")
        await queue.close()
    }

    @Test("a lease that expires while the first attempt still runs: a second worker takes over, the first is fenced off and stops, exactly one output set")
    func leaseExpiresUnderRunningAttempt() async throws {
        let f = try H.folder()
        defer { f.remove() }
        let base = try await H.sqliteQueue(f.queuePath)
        let id = try await base.enqueue(spec: try slowJob(f, seconds: 30)).job.id
        let gated = GatedQueue(base)
        // Worker A: a 2 s lease whose heartbeats never arrive (it does not know).
        let first = try Worker(queue: gated, configuration: configuration(f) { $0.workerID = "worker-a"; $0.leaseSeconds = 2 },
                               logger: H.quietLogger)
        let runFirst = Task { try await first.run() }
        #expect(try await H.eventually(within: 60) { childOf(f, id).count == 1 }, "A's child did not start")
        let firstChild = childOf(f, id)
        #expect(try await H.eventually(within: 30) { (try await base.job(id)?.leaseUntil ?? .distantFuture) < Date() })
        // A heartbeat follows the child's progress, which a slow (sanitized) child may not have sent before the
        // 2 s lease ran out: wait for one to be swallowed rather than look once.
        #expect(try await H.eventually(within: 60) { gated.swallowedHeartbeats > 0 }, "A never heartbeated")

        // Worker B (the real binary) rescues the job and runs it.
        let second = Process()
        second.executableURL = URL(fileURLWithPath: H.mediaworker)
        second.arguments = ["work", "--queue", "sqlite:\(f.queuePath)", "--drain", "--input-root", f.input, "--output-root", f.output,
                            "--jobs-dir", H.jobsDirectory, "--threads", "0", "--log-level", "warning"]
        second.standardOutput = FileHandle.nullDevice
        second.standardError = FileHandle.nullDevice
        try second.run()
        #expect(try await H.eventually(within: 60) { (try await base.job(id)?.claims ?? 0) == 2 }, "B did not claim")
        #expect(!firstChild.isEmpty && firstChild.allSatisfy { kill($0, 0) == 0 }, "A's attempt must still be running")

        // A's heartbeats get through again: the queue refuses the stale claim and A stops its child.
        gated.heartbeatsHeld = false
        try await runFirst.value
        #expect(firstChild.allSatisfy { kill($0, 0) != 0 }, "A's child survived")
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)

        let job = try #require(try await base.job(id))
        #expect(job.state == .succeeded, "\(job.error ?? "")")
        let attempts = try await base.attempts(jobID: id)
        #expect(attempts.map(\.outcome) == [.lostLease, .succeeded], "\(attempts.map { "\($0.workerID) \($0.outcome?.rawValue ?? "-") \($0.error ?? "")" })")
        #expect(attempts.map(\.workerID).first == "worker-a")
        try expectOneOutputSet(f, job, Self.slowOutputs)
        await base.close()
    }

    @Test("a poison job (its child aborts every time) is dead after max_attempts while the other jobs flow")
    func poisonJob() async throws {
        let f = try H.folder()
        defer { f.remove() }
        try H.clip(f.input + "/clip.mp4")
        try H.clip(f.input + "/poison.mp4")
        let queue = try await H.sqliteQueue(f.queuePath)
        let poison = try await queue.enqueue(spec: #"{"version": 1, "input": "poison.mp4", "thumbnails": {"count": 1, "width": 64}}"#,
                                             maxAttempts: 3).job.id
        var good: [String] = []
        for i in 0..<5 {
            let spec = i % 2 == 0
                ? #"{"version": 1, "input": "clip.mp4", "thumbnails": {"count": 2, "width": 64}}"#
                : #"{"version": 1, "input": "clip.mp4", "renditions": [{"name": "small", "width": 160, "height": 120, "fit": "cover", "crf": 30, "preset": "ultrafast"}]}"#
            good.append(try await queue.enqueue(spec: spec).job.id)
        }
        // The poison: whatever reads poison.mp4 aborts (a decoder bug that crashes on this file, every time).
        let wrapper = f.path + "/poison.sh"
        try """
        #!/bin/sh
        spec=$(cat)
        case "$spec" in *poison.mp4*) kill -ABRT $$ ;; esac
        printf '%s' "$spec" | exec "\(H.mediaworker)" attempt "$@"
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        try await Worker(queue: queue, configuration: configuration(f) { $0.concurrency = 2; $0.childCommand = [wrapper] },
                         logger: H.quietLogger).run()

        let attempts = try await queue.attempts(jobID: poison)
        #expect(try await queue.job(poison)?.state == .dead)
        #expect(attempts.map(\.outcome) == [.crashed, .crashed, .crashed])
        #expect(attempts.allSatisfy { $0.error == "crashed: signal 6 (SIGABRT)" }, "\(attempts.map(\.error))")
        #expect(!FileManager.default.fileExists(atPath: "\(f.output)/\(poison)"))
        var finished: [Date] = []
        for id in good {
            let job = try #require(try await queue.job(id))
            #expect(job.state == .succeeded, "\(id): \(job.error ?? "")")
            #expect(try await queue.attempts(jobID: id).count == 1)
            if let at = job.finishedAt { finished.append(at) }
        }
        // The other jobs did not wait for the poison to be used up.
        let lastPoisonStart = try #require(attempts.last?.startedAt)
        #expect(finished.contains { $0 <= lastPoisonStart }, "no good job finished before the poison's last attempt")
        #expect(H.strayEntries(in: f.output, finals: Set(good)).isEmpty)
        await queue.close()
    }
}
