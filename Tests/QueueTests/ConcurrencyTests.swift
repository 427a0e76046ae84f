import Foundation
import Testing
@testable import Queue

extension QueueContract {
    @Suite("Concurrency")
    struct Concurrency {
        struct ClaimLogEntry: Sendable {
            var jobID: String
            var claimer: Int
            var token: Int
            var claimedAt: ContinuousClock.Instant
            var completedAt: ContinuousClock.Instant
        }

        static let jobCount = 500
        static let claimerCount = 4

        @Test("4 claimers on separate queue instances drain 500 jobs: each succeeds exactly once, never held twice", arguments: QueueDriver.allCases)
        func fourClaimersDrain(driver: QueueDriver) async throws {
            let harness = try await QueueHarness.make(driver, realClock: true)
            do {
                let producer = try await harness.open()
                var claimers: [any JobQueue] = []
                for _ in 0..<Self.claimerCount { claimers.append(try await harness.open()) }
                for index in 0..<Self.jobCount {
                    try await producer.enqueue(spec: #"{"n":\#(index)}"#, key: "job-\(index)", priority: index % 3)
                }

                let clock = ContinuousClock()
                let started = clock.now
                let log = try await withThrowingTaskGroup(of: [ClaimLogEntry].self) { group in
                    for (number, queue) in claimers.enumerated() {
                        group.addTask {
                            var entries: [ClaimLogEntry] = []
                            var idleRounds = 0
                            while idleRounds < 3 {
                                guard let claimed = try await queue.claim(workerID: "claimer-\(number)", leaseSeconds: 60) else {
                                    idleRounds += 1
                                    _ = await queue.waitForWork(timeout: .milliseconds(20))
                                    continue
                                }
                                idleRounds = 0
                                let claimedAt = clock.now
                                let signal = try await queue.heartbeat(
                                    jobID: claimed.job.id, token: claimed.token, progress: 0.5, leaseSeconds: 60)
                                #expect(signal == .keepGoing)
                                try await queue.complete(jobID: claimed.job.id, token: claimed.token, result: "{}")
                                entries.append(
                                    ClaimLogEntry(
                                        jobID: claimed.job.id, claimer: number, token: claimed.token, claimedAt: claimedAt,
                                        completedAt: clock.now))
                            }
                            return entries
                        }
                    }
                    var all: [ClaimLogEntry] = []
                    for try await entries in group { all += entries }
                    return all
                }
                let elapsed = clock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let rate = Double(Self.jobCount) / seconds
                print("queue throughput [\(driver.rawValue)]: \(Self.jobCount) jobs, \(Self.claimerCount) claimers, "
                    + "claim+heartbeat+complete: \(String(format: "%.2f", seconds)) s = \(String(format: "%.0f", rate)) jobs/s "
                    + "(per claimer: \(Dictionary(grouping: log, by: \.claimer).mapValues(\.count).sorted { $0.key < $1.key }.map(\.value)))")

                // Every job completed exactly once, none lost.
                let byJob = Dictionary(grouping: log, by: \.jobID)
                #expect(log.count == Self.jobCount)
                #expect(byJob.count == Self.jobCount)
                #expect(byJob.values.allSatisfy { $0.count == 1 })
                // Never held by two claimers at once: a job's claim intervals do not overlap.
                for (jobID, entries) in byJob {
                    let sorted = entries.sorted { $0.claimedAt < $1.claimedAt }
                    for (earlier, later) in zip(sorted, sorted.dropFirst()) {
                        #expect(earlier.completedAt <= later.claimedAt, "job \(jobID) held twice")
                    }
                    #expect(sorted.allSatisfy { $0.token == 1 })
                }
                let stats = try await producer.stats()
                #expect(stats[.succeeded] == Self.jobCount && stats.total == Self.jobCount)
                let jobs = try await producer.list(state: .succeeded, limit: Self.jobCount + 1)
                #expect(jobs.count == Self.jobCount && jobs.allSatisfy { $0.attempts == 1 })
                let sample = try #require(jobs.first)
                #expect(try await producer.attempts(jobID: sample.id).map(\.outcome) == [.succeeded])
                // Somebody other than one claimer did work (the claimers really ran side by side).
                #expect(Set(log.map(\.claimer)).count > 1)
            } catch {
                await harness.tearDown()
                throw error
            }
            await harness.tearDown()
        }
    }
}
