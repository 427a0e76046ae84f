// Queue overhead with no-op jobs: N jobs enqueued, C claimers (each its own queue instance, as separate
// workers would be) loop claim → heartbeat → complete until the queue is empty. Prints one JSON object per
// run: jobs per second over the drain. Not a test: `bench/queue.sh` runs it.
import Foundation
import Logging
import Queue

@main
struct QueueBench {
    static func main() async throws {
        let args = CommandLine.arguments.dropFirst()
        func value(_ name: String, _ fallback: String) -> String {
            guard let i = args.firstIndex(of: name), args.index(after: i) < args.endIndex else { return fallback }
            return args[args.index(after: i)]
        }
        let url = try QueueURL(parsing: value("--queue", "sqlite:/tmp/mediaworker-queue-bench.sqlite"))
        let jobs = Int(value("--jobs", "2000"))!
        let claimers = Int(value("--claimers", "4"))!
        var logger = Logger(label: "queue-bench")
        logger.logLevel = .warning

        let producer = try await QueueFactory.open(url: url, logger: logger)
        _ = try await producer.purge(finishedOlderThan: -1)
        for i in 0..<jobs {
            try await producer.enqueue(spec: #"{"n":\#(i)}"#, key: "bench-\(UUID().uuidString)-\(i)")
        }
        var queues: [any JobQueue] = []
        for _ in 0..<claimers { queues.append(try await QueueFactory.open(url: url, logger: logger)) }

        let clock = ContinuousClock()
        let start = clock.now
        let done = try await withThrowingTaskGroup(of: Int.self) { group in
            for (n, queue) in queues.enumerated() {
                group.addTask {
                    var count = 0
                    while let claim = try await queue.claim(workerID: "bench-\(n)", leaseSeconds: 60) {
                        _ = try await queue.heartbeat(jobID: claim.job.id, token: claim.token, progress: 0.5, leaseSeconds: 60)
                        try await queue.complete(jobID: claim.job.id, token: claim.token, result: "{}")
                        count += 1
                    }
                    return count
                }
            }
            // A loop, not `group.reduce`: Swift 6.3 refuses to send the main-actor-isolated group to it.
            var total = 0
            for try await count in group { total += count }
            return total
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let stats = try await producer.stats()
        guard done == jobs, stats[.succeeded] == jobs else {
            FileHandle.standardError.write(Data("queue-bench: completed \(done) of \(jobs) (succeeded \(stats[.succeeded]))\n".utf8))
            exit(1)
        }
        _ = try await producer.purge(finishedOlderThan: -1)
        for q in queues { await q.close() }
        await producer.close()
        let driver: String
        switch url { case .sqlite: driver = "sqlite"; case .postgres: driver = "postgres" }
        print(#"{"driver":"\#(driver)","jobs":\#(jobs),"claimers":\#(claimers),"seconds":\#(String(format: "%.3f", seconds)),"jobs_per_second":\#(String(format: "%.0f", Double(jobs) / seconds))}"#)
    }
}
