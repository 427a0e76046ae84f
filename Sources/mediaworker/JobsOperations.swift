import ArgumentParser
import Foundation
import Queue
import Server

struct JobsRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Run a job again, or every failed or dead job (--failed / --dead).")

    @OptionGroup var queue: QueueOptions
    @Argument(help: "The job id (or use --failed / --dead).") var id: String?
    @Flag(help: "Retry every failed job now.") var failed = false
    @Flag(help: "Retry every dead job.") var dead = false
    @Flag(name: .customLong("dry-run"), help: "Only count what would be retried.") var dryRun = false

    func validate() throws {
        let chosen = [id != nil, failed, dead].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("give exactly one of: a job id, --failed, --dead") }
        if id != nil && dryRun { throw ValidationError("--dry-run goes with --failed or --dead") }
    }

    func run() async throws {
        try await Fail.reporting {
            try await queue.with { q in
                if let id {
                    let job = try await q.retry(id)
                    print("\(job.id) \(job.state.rawValue)")
                } else {
                    let state: JobState = failed ? .failed : .dead
                    let count = try await q.retryAll(state: state, dryRun: dryRun)
                    print(dryRun ? "\(count) \(state.rawValue) job(s) would be retried" : "\(count) \(state.rawValue) job(s) retried")
                }
            }
        }
    }
}

struct JobsCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a job; a running one is stopped by its worker at the next heartbeat.")

    @OptionGroup var queue: QueueOptions
    @Argument(help: "The job id.") var id: String

    func run() async throws {
        try await Fail.reporting {
            let job = try await queue.with { try await $0.cancel(id) }
            print(job.state == .running ? "\(job.id) cancel requested (its worker stops it)" : "\(job.id) \(job.state.rawValue)")
        }
    }
}

struct JobsPurge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Delete finished jobs (succeeded, dead, cancelled) older than an age.")

    @OptionGroup var queue: QueueOptions
    @Flag(help: "Required: purge finished jobs.") var finished = false
    @Option(name: .customLong("older-than"), help: "Age: 30s, 15m, 12h, 7d.") var olderThan: String

    func validate() throws {
        guard finished else { throw ValidationError("purge only deletes finished jobs: say --finished") }
        guard Self.seconds(olderThan) != nil else { throw ValidationError("--older-than must look like 30s, 15m, 12h or 7d") }
    }

    static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        switch unit {
        case "s": return value
        case "m": return value * 60
        case "h": return value * 3600
        case "d": return value * 86400
        default: return nil
        }
    }

    func run() async throws {
        try await Fail.reporting {
            let count = try await queue.with { try await $0.purge(finishedOlderThan: Self.seconds(olderThan)!) }
            print("\(count) finished job(s) purged")
        }
    }
}

struct JobsStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Jobs per state.")

    @OptionGroup var queue: QueueOptions
    @Flag(help: "JSON for scripts: the document GET /api/stats prints.") var json = false

    func run() async throws {
        try await Fail.reporting {
            let stats = try await queue.with { try await $0.stats() }
            if json {
                print(try JobDocument.text(StatsView(stats)))
                return
            }
            let rows = JobState.allCases.map { [$0.rawValue, String(stats[$0])] } + [["total", String(stats.total)]]
            print(Table.render(header: ["STATE", "JOBS"], rows: rows))
            if let age = stats.oldestRunnableAge {
                print(String(format: "oldest runnable job waiting %.0f s", age))
            }
        }
    }
}
