import Foundation
import Logging
import Queue
import Testing

/// The queue's stores under stress: PostgreSQL restarted while a worker drains it, and one SQLite file shared
/// by four worker processes.
@Suite(.serialized) struct QueueFaultTests {
    typealias H = Harness

    static let thumbnailsSpec = #"{"version": 1, "input": "clip.mp4", "thumbnails": {"count": 2, "width": 64}}"#
    static let transcodeSpec = #"{"version": 1, "input": "clip.mp4", "renditions": [{"name": "small", "width": 160, "height": 120, "fit": "cover", "crf": 30, "preset": "ultrafast"}]}"#

    /// A PostgreSQL cluster of this test alone, started and removed by `scripts/pg-test-cluster.sh` with its own
    /// state file: restarting the shared test server would break the queue's contract tests running beside us.
    /// PostgreSQL must be installed (scripts/setup.sh does it; in CI it is); without it this test fails.
    struct PrivateCluster {
        let state: String
        let url: String
        static var script: String { Harness.repoRoot.appendingPathComponent("scripts/pg-test-cluster.sh").path }

        init() throws {
            state = FileManager.default.temporaryDirectory.appendingPathComponent("mw-rel-pg-\(UUID().uuidString.prefix(8)).env").path
            let r = try Harness.shell("\(Self.script) start", environment: ["MEDIAWORKER_PG_STATE": state])
            guard r.status == 0, let line = r.output.split(separator: "\n").last(where: { $0.contains("MEDIAWORKER_TEST_POSTGRES_URL=") }),
                  let value = line.split(separator: "=", maxSplits: 1).last else {
                throw Failure("cannot start a PostgreSQL cluster (PostgreSQL 15 installed? scripts/setup.sh): \(r.output)")
            }
            url = String(value)
        }

        func run(_ command: String) throws {
            let r = try Harness.shell("\(Self.script) \(command)", environment: ["MEDIAWORKER_PG_STATE": state])
            if r.status != 0 { throw Failure("pg-test-cluster.sh \(command) failed: \(r.output)") }
        }

        func remove() { _ = try? run("stop") }
    }

    /// Retries a queue call while the server comes back.
    func settle<T>(_ body: () async throws -> T) async throws -> T {
        let deadline = Date().addingTimeInterval(60)
        while true {
            do { return try await body() } catch {
                if Date() > deadline { throw error }
                try await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    @Test("PostgreSQL restarted while a worker works, and down for 3 s with an attempt in flight: it reconnects and goes on; every job succeeds once")
    func postgresRestart() async throws {
        let f = try H.folder()
        defer { f.remove() }
        let cluster = try PrivateCluster()
        defer { cluster.remove() }
        try H.clip(f.input + "/clip.mp4")
        var logger = Logger(label: "test.pg")
        logger.logLevel = .critical
        // The test's own handle (not under test) gets a generous deadline and, like every other queue call here,
        // may retry opening: on a loaded machine (or a sanitized run of the whole suite, beside the other suites'
        // blocking work) the first connection to a just-started server and the migrations can take seconds.
        let queue = try await settle {
            try await QueueFactory.open(url: cluster.url, configuration: QueueConfiguration(operationTimeout: .seconds(30)), logger: logger)
        }
        // The worker runs as a service (no --drain) so the test decides when work exists; freezing the worker
        // process (SIGSTOP) makes each outage land at a known point whatever the machine's load.
        let worker = try H.startWorker([
            "work", "--queue", cluster.url, "--input-root", f.input, "--output-root", f.output,
            "--jobs-dir", H.jobsDirectory, "--threads", "1", "--lease-seconds", "10", "--log-level", "info",
        ], logPrefix: f.path + "/worker")
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGCONT); worker.terminate() } }
        let started = try await H.eventually(within: 60) {
            ((try? String(contentsOfFile: f.path + "/worker.err", encoding: .utf8)) ?? "").contains("worker started")
        }
        try #require(started && worker.isRunning, "the worker did not start")

        // Outage 1: the server restarted right as the worker starts on a full queue.
        kill(worker.processIdentifier, SIGSTOP)
        var ids: [String] = []
        for i in 0..<16 { ids.append(try await queue.enqueue(spec: i % 4 == 3 ? Self.transcodeSpec : Self.thumbnailsSpec).job.id) }
        kill(worker.processIdentifier, SIGCONT)
        try cluster.run("restart")
        let restarted = Date()

        // Outage 2: the server down for 3 s while an attempt is in flight: the worker is frozen while the job
        // is still `running` in the queue, so the attempt's result can only be recorded after the server went away.
        // Should a busy machine keep this test from looking until the queue is empty, another batch re-arms it.
        var inFlight: String?
        for _ in 0..<5 where inFlight == nil {
            kill(worker.processIdentifier, SIGSTOP)
            for _ in 0..<3 { ids.append(try await settle { try await queue.enqueue(spec: Self.transcodeSpec).job.id }) }
            kill(worker.processIdentifier, SIGCONT)
            let deadline = Date().addingTimeInterval(120)
            while inFlight == nil, Date() < deadline {
                let open = try await settle { try await queue.list(state: nil, limit: 200) }.filter { $0.state == .queued || $0.state == .running }
                if open.isEmpty { break }
                guard let candidate = open.first(where: { $0.state == .running }) else {
                    try await Task.sleep(for: .milliseconds(20)); continue
                }
                kill(worker.processIdentifier, SIGSTOP)
                if try await settle({ try await queue.job(candidate.id) })?.state == .running {
                    inFlight = candidate.id
                    try cluster.run("halt")
                    kill(worker.processIdentifier, SIGCONT)
                    try await Task.sleep(for: .seconds(3))
                    try cluster.run("start")
                } else {
                    kill(worker.processIdentifier, SIGCONT)
                }
            }
        }
        let outageJob = try #require(inFlight, "no attempt was in flight to cut off")

        #expect(try await H.eventually(within: 180) {
            (try? await queue.stats())?[.succeeded] == ids.count
        }, "the jobs did not all succeed")
        // SIGTERM, and a bound on the wait: a worker stuck after the outage must fail this test, not hang the suite.
        worker.terminate()
        let exited = try await H.eventually(within: 60) { !worker.isRunning }
        if !exited { kill(worker.processIdentifier, SIGKILL) }
        worker.waitUntilExit()
        #expect(exited, "the worker did not exit within 60 s of SIGTERM")
        let log = (try? String(contentsOfFile: f.path + "/worker.err", encoding: .utf8)) ?? ""
        #expect(worker.terminationStatus == 0, "\(log.suffix(3000))")
        for id in ids {
            let job = try #require(try await settle { try await queue.job(id) })
            #expect(job.state == .succeeded, "\(id): \(job.state.rawValue) \(job.error ?? "") \(log.suffix(3000))")
            let outcomes = try await settle { try await queue.attempts(jobID: id) }.map(\.outcome)
            #expect(outcomes.last == .succeeded && outcomes.filter { $0 == .succeeded }.count == 1, "\(id): \(outcomes)")
            #expect(FileManager.default.fileExists(atPath: "\(f.output)/\(id)/result.json"))
        }
        #expect(H.strayEntries(in: f.output, finals: Set(ids)).isEmpty)
        // The cut-off attempt either recorded its success once the server was back, or — if the outage outlasted
        // its lease on a slow machine — was given up as lost and the job rescued; never anything else.
        let outageAttempts = try await settle { try await queue.attempts(jobID: outageJob) }
        let outageOutcomes = outageAttempts.map(\.outcome)
        #expect(outageOutcomes == [.succeeded] || outageOutcomes == [.lostLease, .succeeded],
                "\(outageJob): \(outageAttempts.map { "\($0.outcome.map(\.rawValue) ?? "-"): \($0.error ?? "")" }) \(log.suffix(3000))")
        // The restart came while work remained: attempts ended after it.
        var endedAfterRestart = 0
        for id in ids { endedAfterRestart += try await settle { try await queue.attempts(jobID: id) }.filter { ($0.endedAt ?? .distantPast) > restarted }.count }
        #expect(endedAfterRestart > 3, "only \(endedAfterRestart) attempts ended after the restart")
        #expect(log.contains("connectionError"), "the worker never saw the server go away")
        let troubles = log.split(separator: "\n").filter { $0.contains("error") || $0.contains("warning") }
        print("worker's errors and warnings around the restart (\(troubles.count)):\n" + troubles.prefix(20).joined(separator: "\n"))
        await queue.close()
    }

    @Test("one SQLite queue, four worker processes claiming at once: every job claimed and run exactly once")
    func sqliteFourWriters() async throws {
        let f = try H.folder()
        defer { f.remove() }
        try H.clip(f.input + "/clip.mp4")
        let queue = try await H.sqliteQueue(f.queuePath)
        var ids: [String] = []
        for i in 0..<24 { ids.append(try await queue.enqueue(spec: i % 8 == 7 ? Self.transcodeSpec : Self.thumbnailsSpec).job.id) }

        let workers = try (0..<4).map { n in
            try H.startWorker([
                "work", "--queue", "sqlite:\(f.queuePath)", "--drain", "--concurrency", "2", "--input-root", f.input,
                "--output-root", f.output, "--jobs-dir", H.jobsDirectory, "--threads", "1", "--log-level", "warning",
            ], logPrefix: f.path + "/worker-\(n)")
        }
        #expect(try await H.eventually(within: 240) { workers.allSatisfy { !$0.isRunning } }, "a worker did not finish")
        for w in workers where w.isRunning { w.terminate() }
        var reported: [String: Int] = [:]
        for (n, w) in workers.enumerated() {
            w.waitUntilExit()
            let err = (try? String(contentsOfFile: f.path + "/worker-\(n).err", encoding: .utf8)) ?? ""
            #expect(w.terminationStatus == 0, "worker \(n): \(err.suffix(2000))")
            let out = (try? String(contentsOfFile: f.path + "/worker-\(n).out", encoding: .utf8)) ?? ""
            for line in out.split(separator: "\n") where line.contains(": succeeded") {
                reported[String(line.split(separator: " ")[0]), default: 0] += 1
            }
        }

        var workerIDs: Set<String> = []
        for id in ids {
            let job = try #require(try await queue.job(id))
            let attempts = try await queue.attempts(jobID: id)
            #expect(job.state == .succeeded, "\(id): \(job.state.rawValue) \(job.error ?? "")")
            #expect(job.attempts == 1 && job.claims == 1, "\(id): attempts \(job.attempts), claims \(job.claims)")
            #expect(attempts.map(\.outcome) == [.succeeded], "\(id): \(attempts.map { "\($0.workerID) \($0.outcome?.rawValue ?? "-")" })")
            #expect(reported[id] == 1, "\(id) reported \(reported[id] ?? 0) times by the workers")
            workerIDs.formUnion(attempts.map(\.workerID))
        }
        #expect(reported.count == ids.count, "the workers reported \(reported.count) jobs")
        #expect(workerIDs.count >= 2, "only \(workerIDs) claimed: the writers did not overlap")
        #expect(H.strayEntries(in: f.output, finals: Set(ids)).isEmpty)
        await queue.close()
    }
}
