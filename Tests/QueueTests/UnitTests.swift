import Foundation
import Testing
@testable import Queue

@Suite("Queue building blocks")
struct QueueUnitTests {
    @Test("a fresh SQLite file opened by several at once (a server and workers started together): every open succeeds")
    func sqliteOpenedTogether() async throws {
        for round in 0..<15 {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mw-open-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("queue.sqlite").path
            let opened = try await withThrowingTaskGroup(of: (any JobQueue).self) { group in
                for _ in 0..<6 { group.addTask { try await QueueFactory.open(url: .sqlite(path: path)) } }
                var queues: [any JobQueue] = []
                for try await q in group { queues.append(q) }
                return queues
            }
            #expect(opened.count == 6, "round \(round)")
            _ = try await opened[0].enqueue(spec: "{}", key: "r\(round)")
            #expect(try await opened[5].list(state: nil, limit: 5).count == 1)
            for q in opened { await q.close() }
        }
    }

    @Test("backoff doubles from the base, is capped, and jitter stays within bounds")
    func backoff() {
        let backoff = Backoff(base: 2, cap: 60, jitter: 0.25)
        #expect((1...7).map { backoff.nominalDelay(afterAttempt: $0) } == [2, 4, 8, 16, 32, 60, 60])
        #expect(backoff.nominalDelay(afterAttempt: 5000) == 60)
        #expect(backoff.delay(afterAttempt: 3, unit: -1) == 6)
        #expect(backoff.delay(afterAttempt: 3, unit: 1) == 10)
        #expect(backoff.bounds(afterAttempt: 3) == 6...10)
        var seen = Set<Double>()
        for _ in 0..<200 {
            let delay = backoff.delay(afterAttempt: 4)
            #expect(backoff.bounds(afterAttempt: 4).contains(delay))
            seen.insert(delay)
        }
        #expect(seen.count > 100)  // it is jittered
    }

    @Test("the failure decision: cancel wins, then dead, then lost leases run at once, else backoff")
    func transitions() {
        let now = Date(timeIntervalSince1970: 1000)
        let backoff = Backoff(base: 10, cap: 100, jitter: 0)
        func decide(_ attempts: Int, _ max: Int, cancel: Bool = false, _ outcome: AttemptOutcome = .failed, retryable: Bool = true) -> JobTransitions.AfterFailure {
            JobTransitions.afterFailure(
                attempts: attempts, maxAttempts: max, cancelRequested: cancel, outcome: outcome, retryable: retryable,
                now: now, backoff: backoff)
        }
        #expect(decide(1, 3) == .init(state: .failed, runAt: now.addingTimeInterval(10)))
        #expect(decide(2, 3) == .init(state: .failed, runAt: now.addingTimeInterval(20)))
        #expect(decide(3, 3).state == .dead)
        #expect(decide(1, 3, retryable: false).state == .dead)
        #expect(decide(1, 3, cancel: true).state == .cancelled)
        #expect(decide(3, 3, .cancelled).state == .cancelled)
        #expect(decide(1, 3, .lostLease) == .init(state: .failed, runAt: now))
        #expect(decide(3, 3, .lostLease).state == .dead)
        #expect(JobTransitions.maxAttemptsAfterRetry(attempts: 3, maxAttempts: 3) == 4)
        #expect(JobTransitions.maxAttemptsAfterRetry(attempts: 1, maxAttempts: 5) == 5)
    }

    @Test("queue URLs: sqlite paths and postgres URLs parse; bad ones fail with a message")
    func urls() throws {
        #expect(try QueueURL(parsing: "sqlite:var/queue.sqlite") == .sqlite(path: "var/queue.sqlite"))
        #expect(try QueueURL(parsing: "sqlite:///data/q.sqlite") == .sqlite(path: "/data/q.sqlite"))
        #expect(QueueURL.default == .sqlite(path: "var/queue.sqlite"))
        let url = try QueueURL(parsing: "postgres://worker:s%40cret@db.internal:6543/media")
        #expect(
            url == .postgres(.init(host: "db.internal", port: 6543, username: "worker", password: "s@cret", database: "media")))
        #expect(url.description == "postgres://worker:***@db.internal:6543/media")
        let short = try QueueURL(parsing: "postgresql://me@localhost")
        #expect(short == .postgres(.init(host: "localhost", port: 5432, username: "me", database: "me")))
        let tls = try QueueURL(parsing: "postgres://me@h/db?sslmode=require")
        #expect(tls == .postgres(.init(host: "h", username: "me", database: "db", tls: .require)))
        for bad in ["", "mysql://x@y/z", "sqlite:", "postgres://host/db", "postgres://u@h/db?sslmode=bogus"] {
            #expect(throws: QueueError.self, "\(bad)") { try QueueURL(parsing: bad) }
        }
        do {
            _ = try QueueURL(parsing: "redis://user:hunter2@h/0")
        } catch let error as QueueError {
            #expect(error.code == .invalidURL)
            #expect(!error.description.contains("hunter2"))
        }
        #expect(try QueueURL.fromEnvironment([:]) == .default)
        #expect(try QueueURL.fromEnvironment(["MEDIAWORKER_QUEUE": ""]) == .default)
        #expect(try QueueURL.fromEnvironment(["MEDIAWORKER_QUEUE": "sqlite:/tmp/x.sqlite"]) == .sqlite(path: "/tmp/x.sqlite"))
    }

    @Test("job ids are 26 Crockford base-32 characters that sort by time")
    func jobIDs() {
        let early = JobID.make(at: Date(timeIntervalSince1970: 1_700_000_000))
        let late = JobID.make(at: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(early.count == 26 && late.count == 26)
        #expect(early < late)
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        #expect(early.allSatisfy { alphabet.contains($0) })
        let ids = Set((0..<1000).map { _ in JobID.make(at: Date(timeIntervalSince1970: 1_700_000_000)) })
        #expect(ids.count == 1000)
        #expect(ids.allSatisfy { $0.prefix(10) == early.prefix(10) })
    }

    @Test("log tails keep the last bytes on a character boundary")
    func logTail() {
        #expect(LogTail.cap(nil, limit: 8) == nil)
        #expect(LogTail.cap("short", limit: 8) == "short")
        #expect(LogTail.cap("0123456789", limit: 4) == "6789")
        #expect(LogTail.cap("aéé", limit: 3) == "é")  // 5 bytes; the cut would split the first é
    }

    @Test("work signal: notify wakes waiters, a missed notify is kept once, timeouts and cancellation return false")
    func workSignal() async {
        let signal = WorkSignal()
        #expect(await signal.wait(timeout: .milliseconds(20)) == false)
        signal.notifyAll()  // nobody waits: remembered once
        #expect(await signal.wait(timeout: .seconds(10)) == true)
        #expect(await signal.wait(timeout: .milliseconds(20)) == false)

        async let first = signal.wait(timeout: .seconds(10))
        async let second = signal.wait(timeout: .seconds(10))
        try? await Task.sleep(for: .milliseconds(100))
        signal.notifyAll()
        #expect(await first == true)
        #expect(await second == true)

        let task = Task { await signal.wait(timeout: .seconds(10)) }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == false)
    }

    @Test("queue errors describe themselves on one line and match by code")
    func errors() {
        let stale = QueueError.staleToken("J1", token: 3)
        #expect(stale.code == .staleToken && stale.code == .leaseLost)
        #expect(stale.description.contains("J1") && stale.description.contains("3"))
        struct Cause: Error, CustomStringConvertible { var description: String { "line one\nline two" } }
        let wrapped = QueueError.database("claim", Cause())
        #expect(wrapped.code == .database)
        #expect(!wrapped.description.contains("\n"))
        #expect(QueueError.database("again", stale).code == .staleToken)
    }
}
