import Foundation
import Job
import Queue

/// What the API shows of a job (snake_case on the wire). `GET /api/jobs/{id}`, `jobs show --json`, the list
/// endpoints and `jobs list --json` all print these types, through ``JobDocument/encoder``.
public struct JobView: Encodable, Sendable {
    var id: String
    var key: String
    var state: String
    var priority: Int
    var runAt: Date
    var attempts: Int
    var maxAttempts: Int
    var progress: Double?
    var error: String?
    var cancelRequested: Bool
    var workerId: String?
    var leaseUntil: Date?
    var createdAt: Date
    var updatedAt: Date
    var finishedAt: Date?
    var input: String?
    var spec: JSONValue

    public init(_ job: JobRecord) {
        id = job.id
        key = job.key
        state = job.state.rawValue
        priority = job.priority
        runAt = job.runAt
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        progress = job.progress
        error = job.error
        cancelRequested = job.cancelRequested
        workerId = job.workerID
        leaseUntil = job.leaseUntil
        createdAt = job.createdAt
        updatedAt = job.updatedAt
        finishedAt = job.finishedAt
        spec = JSONValue(text: job.spec)
        input = spec.object?["input"]?.string
    }
}

public struct AttemptView: Encodable, Sendable {
    var attempt: Int
    var workerId: String
    var startedAt: Date
    var endedAt: Date?
    var outcome: String?
    var error: String?
    var logTail: String?
    var progress: Double?

    public init(_ a: AttemptRecord) {
        attempt = a.attempt
        workerId = a.workerID
        startedAt = a.startedAt
        endedAt = a.endedAt
        outcome = a.outcome?.rawValue
        error = a.error
        logTail = a.logTail
        progress = a.progress
    }
}

public struct OutputView: Encodable, Sendable {
    var kind: String
    var name: String
    var file: String
    var bytes: Int
    var sha256: String
    var width: Int?
    var height: Int?
    var duration: Double?
    var time: Double?
    /// The output's check against its rendition's platform (a finding; the output was published).
    var platform: PlatformFinding?
    var url: String

    public init(_ o: JobResult.Output, jobID: String) {
        kind = o.kind
        name = o.name
        file = o.path
        bytes = o.bytes
        sha256 = o.sha256
        width = o.width
        height = o.height
        duration = o.duration
        time = o.time
        platform = o.platform
        url = "/api/jobs/\(jobID)/files/\(o.path)"
    }
}

extension JobRecord {
    /// The result the worker recorded when the job succeeded (what it published as `result.json`); nil
    /// before. The API, `jobs show` and the dashboard all read this one, so they list the same outputs.
    public func recordedResult() throws(UnreadableResult) -> JobResult? {
        guard let text = result else { return nil }
        do {
            return try JSONDecoder().decode(JobResult.self, from: Data(text.utf8))
        } catch {
            throw UnreadableResult(jobID: id, reason: "\(error)")
        }
    }
}

/// A job's recorded result that is not a `JobResult` (a database edited by hand, a result from an
/// incompatible version): said, never shown as "no outputs".
public struct UnreadableResult: Error, CustomStringConvertible, Sendable {
    public var jobID: String
    public var reason: String
    public var description: String { "job \(jobID): its recorded result cannot be read (\(reason))" }
}

/// One job as a document: the job, its attempts, its published outputs and the time each stage took (from
/// the result the queue recorded when the job succeeded).
public struct JobDocument: Encodable, Sendable {
    var job: JobView
    var attempts: [AttemptView]
    var outputs: [OutputView]
    var timings: [String: Double]?
    /// What a still input was (format, upright size, orientation applied, profile converted); absent for videos.
    var still: JobResult.StillInput?

    /// Throws ``UnreadableResult`` when the job has a recorded result that does not decode: an empty output
    /// list would say the job published nothing.
    public init(job: JobRecord, attempts: [AttemptRecord]) throws(UnreadableResult) {
        let result = try job.recordedResult()
        self.job = JobView(job)
        self.attempts = attempts.map(AttemptView.init)
        outputs = (result?.outputs ?? []).map { OutputView($0, jobID: job.id) }
        timings = result?.timings
        still = result?.still
    }

    /// The one JSON form of every API document: snake_case keys, ISO 8601 dates, sorted keys.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A document as the CLI prints it: the API's JSON, indented.
    public static func text(_ value: some Encodable) throws -> String {
        let encoder = encoder
        encoder.outputFormatting.insert(.prettyPrinted)
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

public struct JobListView: Encodable, Sendable {
    var jobs: [JobView]
    var count: Int

    public init(_ jobs: [JobRecord]) {
        self.jobs = jobs.map(JobView.init)
        count = jobs.count
    }
}

public struct StatsView: Encodable, Sendable {
    var counts: [String: Int]
    var total: Int
    /// Jobs still to run: queued, plus failed ones waiting for their retry.
    var queueDepth: Int
    var oldestRunnableAgeSeconds: Double?

    public init(_ stats: QueueStats) {
        counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, stats[$0]) })
        total = stats.total
        queueDepth = stats[.queued] + stats[.failed]
        oldestRunnableAgeSeconds = stats.oldestRunnableAge
    }
}

struct RetryFailedView: Encodable {
    var dryRun: Bool
    /// Per state (`failed`, `dead`): how many were (or would be) queued again.
    var counts: [String: Int]
    var total: Int
}
