import ArgumentParser
import Foundation
import Job
import Pipeline
import Queue
import Server

/// Operators' commands on the queue: tables for people, `--json` for scripts.
struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Enqueue, list, inspect, retry, cancel and purge queued jobs.",
        subcommands: [JobsEnqueue.self, JobsList.self, JobsShow.self, JobsRetry.self, JobsCancel.self, JobsPurge.self,
                      JobsStats.self])
}

struct JobsEnqueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue", abstract: "Validate a job spec and enqueue it; prints the job id alone on stdout.")

    @OptionGroup var queue: QueueOptions
    @Argument(help: "The job spec (JSON).") var spec: String
    @Option(help: "Idempotency key: enqueuing an existing key returns that job and creates nothing.") var key: String?
    @Option(help: "Higher runs first.") var priority = 0
    @Option(name: .customLong("max-attempts"), help: "Attempts before the job is dead (default 5).") var maxAttempts: Int?
    @Option(name: .customLong("input-root"),
            help: "Folder the spec's input resolves in, checked now; the worker's must match (default: $\(Locations.inputRootVariable), else \(Locations.defaultInputRoot)).")
    var inputRootOption: String?
    @Option(name: .customLong("jobs-dir"), help: "Folder of the job templates (default: $\(Locations.jobsDirectoryVariable), else the installation's jobs/, else ./jobs).")
    var jobsDirOption: String?

    var inputRoot: String { Locations.inputRoot(inputRootOption) }
    var jobsDir: String { Locations.jobsDirectory(jobsDirOption) }

    func validate() throws {
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if let key, key.isEmpty { throw ValidationError("--key must not be empty") }
    }

    func run() async throws {
        try await Fail.reporting {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: spec)) } catch {
                throw JobSpecError("spec", "cannot read \(spec): \(error.localizedDescription)")
            }
            // Refuse a bad spec now, with the field named, rather than as a dead job later.
            _ = try JobSpecLoader(jobsDirectory: jobsDir, inputRoot: inputRoot).load(data: data)
            let result = try await queue.with { q in
                try await q.enqueue(NewJob(spec: String(decoding: data, as: UTF8.self), key: key, priority: priority,
                                           maxAttempts: maxAttempts))
            }
            if result.existing {
                FileHandle.standardError.write(Data(
                    "mediaworker: key '\(result.job.key)' already enqueued as \(result.job.id) (\(result.job.state.rawValue)); nothing created\n".utf8))
            }
            print(result.job.id)
        }
    }
}

struct JobsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs, newest first.")

    @OptionGroup var queue: QueueOptions
    @Option(help: "Only jobs in this state: \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: String?
    @Option(help: "At most this many.") var limit = 50
    @Flag(help: "JSON for scripts: the document GET /api/jobs prints.") var json = false

    func validate() throws {
        if let state, JobState(rawValue: state) == nil {
            throw ValidationError("--state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await Fail.reporting {
            let jobs = try await queue.with { try await $0.list(state: state.flatMap(JobState.init(rawValue:)), limit: limit) }
            if json {
                print(try JobDocument.text(JobListView(jobs)))
                return
            }
            let rows = jobs.map { j in
                [j.id, j.state.rawValue, "\(j.attempts)/\(j.maxAttempts)", j.progress.map { "\(Int($0 * 100))%" } ?? "",
                 JobJSON.date(j.updatedAt), j.key.count > 24 ? String(j.key.prefix(23)) + "…" : j.key,
                 (j.error ?? "").replacingOccurrences(of: "\n", with: " ").prefix(60).description]
            }
            print(Table.render(header: ["ID", "STATE", "ATTEMPTS", "PROGRESS", "UPDATED", "KEY", "ERROR"], rows: rows))
        }
    }
}

struct JobsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One job: its attempts with their errors and log tails, and its outputs.")

    @OptionGroup var queue: QueueOptions
    @Argument(help: "The job id.") var id: String
    @Flag(help: "JSON for scripts: the document GET /api/jobs/{id} prints.") var json = false

    func run() async throws {
        try await Fail.reporting {
            let (job, attempts) = try await queue.with { q -> (JobRecord, [AttemptRecord]) in
                guard let job = try await q.job(id) else { throw NoSuchJob(id: id) }
                return (job, try await q.attempts(jobID: id))
            }
            if json {
                print(try JobDocument.text(try JobDocument(job: job, attempts: attempts)))
                return
            }
            print(JobText.describe(job, attempts: attempts))
        }
    }
}

/// `jobs show` of an unknown id: one line, like every other failure (not a usage error).
struct NoSuchJob: Error, CustomStringConvertible {
    let id: String
    var description: String { "not found: no job \(id)" }
}
