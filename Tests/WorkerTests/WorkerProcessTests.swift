import Foundation
import Queue
import Testing
@testable import Worker

/// The real `mediaworker work` process under signals: SIGKILL mid-job, SIGTERM with and without time to finish.
@Suite(.serialized) struct WorkerProcessTests {
    typealias S = WorkerSupport

    /// Starts `mediaworker work` on the test's SQLite queue.
    func startWorker(_ dir: String, _ extra: [String], environment: [String: String]? = nil) throws -> Process {
        let process = Process()
        if let environment { process.environment = environment }
        process.executableURL = URL(fileURLWithPath: S.mediaworker)
        process.arguments = ["work", "--queue", "sqlite:\(dir)/queue.sqlite", "--input-root", dir + "/in",
                             "--output-root", dir + "/out", "--jobs-dir", S.repoRoot.appendingPathComponent("jobs").path,
                             "--log-level", "warning"] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A job long enough to be caught in the middle: 40 s of 640×360 through one thread at x264's medium preset
    /// (about 10 s of work on an idle machine).
    func longJob(_ dir: String) throws -> String {
        try S.makeClip(dir + "/in/long.mp4", seconds: 40, size: "640x360")
        return #"{"version": 1, "input": "long.mp4", "renditions": [{"name": "full", "width": 640, "height": 360, "fit": "cover", "crf": 20, "preset": "medium"}]}"#
    }

    /// Waits until the job's attempt runs (its child process shows in /proc), lets it work `after` seconds, then
    /// sends `signal` to the worker. Blocking on purpose: when the whole suite runs, other tests' blocking work can
    /// starve the cooperative pool for minutes, and an `await`-based poll would wake only after the job is over.
    /// Returns when the signal was sent (false: no child within two minutes).
    func signalWhenChildRuns(_ dir: String, _ id: String, _ worker: Process, _ signal: Int32, after: Double = 1) -> Bool {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if !S.processes(containing: "attempt --output \(dir)/out/\(id)").isEmpty {
                usleep(UInt32(after * 1_000_000))
                kill(worker.processIdentifier, signal)
                return true
            }
            usleep(20_000)
        }
        return false
    }

    @Test("kill -9 of the worker mid-job: its child dies with it, the lease expires, another worker completes the job; one output set, nothing half-written visible")
    func sigkillLosesNothing() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: try longJob(dir)).job.id
        let first = try startWorker(dir, ["--lease-seconds", "2", "--threads", "1"])
        #expect(signalWhenChildRuns(dir, id, first, SIGKILL))
        first.waitUntilExit()
        #expect(try await S.eventually(within: 5) { S.processes(containing: "attempt --output \(dir)/out/\(id)").isEmpty },
                "the child outlived its killed worker")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out/\(id)"), "a half-done job is visible")

        // The lease (2 s) runs out; a second worker rescues the job and runs it to the end.
        try await Task.sleep(for: .seconds(2.5))
        let second = try startWorker(dir, ["--drain"])
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let job = try #require(try await queue.job(id))
        #expect(job.state == .succeeded, "\(job.error ?? "")")
        #expect(try await queue.attempts(jobID: id).map(\.outcome) == [.lostLease, .succeeded])
        #expect(FileManager.default.fileExists(atPath: "\(dir)/out/\(id)/full.mp4"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/out/\(id)/result.json"))
        #expect(S.strayEntries(in: dir + "/out", finals: [id]).isEmpty, "leftovers of the killed attempt")
        await queue.close()
    }

    @Test("SIGTERM with a short grace period: the worker exits in time and the job is back in the queue")
    func sigtermReleases() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: try longJob(dir)).job.id
        let worker = try startWorker(dir, ["--grace-seconds", "1", "--lease-seconds", "3", "--threads", "1"])
        #expect(signalWhenChildRuns(dir, id, worker, SIGTERM))
        let sent = Date()
        worker.waitUntilExit()
        #expect(Date().timeIntervalSince(sent) < 10, "exited \(Date().timeIntervalSince(sent)) s after SIGTERM")
        #expect(worker.terminationStatus == 0)
        let job = try #require(try await queue.job(id))
        #expect(job.state == .queued && job.attempts == 0)
        #expect(S.processes(containing: "attempt --output \(dir)/out/\(id)").isEmpty)
        #expect(S.strayEntries(in: dir + "/out", finals: []).isEmpty)
        await queue.close()
    }

    @Test("SIGTERM with time to finish: the running job completes, then the worker exits")
    func sigtermFinishes() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try S.makeClip(dir + "/in/clip.mp4", seconds: 4)
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: S.spec(input: "clip.mp4")).job.id
        let worker = try startWorker(dir, ["--grace-seconds", "60"])
        #expect(signalWhenChildRuns(dir, id, worker, SIGTERM, after: 0))
        worker.waitUntilExit()
        #expect(worker.terminationStatus == 0)
        #expect(try await queue.job(id)?.state == .succeeded)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/out/\(id)/result.json"))
        await queue.close()
    }

    @Test("a running attempt's environment holds none of the worker's secrets, and its input deadline is the worker's timeout")
    func attemptEnvironmentHasNoSecrets() async throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try await S.queue(in: dir)
        let id = try await queue.enqueue(spec: try longJob(dir)).job.id
        let secrets = [
            "MEDIAWORKER_HOOK_SECRET": "hook-secret-1a2b", "MEDIAWORKER_OPERATOR_TOKEN": "operator-token-3c4d",
            "MEDIAWORKER_QUEUE": "postgres://mw:queue-password-5e6f@127.0.0.1:1/mw", "PGPASSWORD": "pg-password-7a8b",
            "PGUSER": "mw", "AWS_SECRET_ACCESS_KEY": "aws-secret-9c0d",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(secrets) { _, new in new }
        environment["LC_ALL"] = "C.UTF-8"
        // --queue names the test's queue; MEDIAWORKER_QUEUE only carries a password the attempt must not see.
        let worker = try startWorker(dir, ["--threads", "1", "--timeout-seconds", "7200", "--drain"], environment: environment)
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGKILL) } }

        // Read the child's environment from /proc while it runs, as an exploit inside it could.
        var childEnvironment: [String: String]?
        var childArguments: [String] = []
        let deadline = Date().addingTimeInterval(120)
        while childEnvironment == nil, Date() < deadline {
            if let pid = S.processes(containing: "attempt --output \(dir)/out/\(id)").first,
               let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ"), !data.isEmpty,
               let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") {
                var found: [String: String] = [:]
                for entry in data.split(separator: 0) {
                    let text = String(decoding: entry, as: UTF8.self)
                    guard let eq = text.firstIndex(of: "=") else { continue }
                    found[String(text[..<eq])] = String(text[text.index(after: eq)...])
                }
                childEnvironment = found
                childArguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            } else {
                usleep(10_000)
            }
        }
        let seen = try #require(childEnvironment, "no attempt child seen within two minutes")
        for (name, value) in secrets {
            #expect(seen[name] == nil, "the attempt inherited \(name)")
            #expect(!seen.values.contains { $0.contains(value) }, "the attempt sees the value of \(name)")
        }
        #expect(seen.keys.allSatisfy { AttemptEnvironment.allowed.contains($0) || $0.hasPrefix("LC_") || $0.hasPrefix("MEDIAWORKER_") },
                "unexpected variables: \(seen.keys.sorted())")
        #expect(seen["MEDIAWORKER_JOB_ID"] == id)
        #expect(seen["LC_ALL"] == "C.UTF-8", "the locale is passed on")
        #expect(seen["PATH"] != nil)
        if let i = childArguments.firstIndex(of: "--deadline-seconds") {
            #expect(Double(childArguments[i + 1]) == 7200)
        } else {
            Issue.record("the attempt got no --deadline-seconds: \(childArguments)")
        }
        worker.waitUntilExit()
        #expect(try await queue.job(id)?.state == .succeeded)
        await queue.close()
    }
}
