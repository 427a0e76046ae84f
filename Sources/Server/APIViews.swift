import Foundation
import Pipeline
import Queue

/// What the API shows of a job (snake_case on the wire).
struct JobView: Encodable {
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

    init(_ job: JobRecord) {
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
        if case .object(let fields) = spec, case .string(let input)? = fields["input"] { self.input = input }
    }
}

struct AttemptView: Encodable {
    var attempt: Int
    var workerId: String
    var startedAt: Date
    var endedAt: Date?
    var outcome: String?
    var error: String?
    var logTail: String?
    var progress: Double?

    init(_ a: AttemptRecord) {
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

struct OutputView: Encodable {
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

    init(_ o: JobResult.Output, jobID: String) {
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

struct JobDetailView: Encodable {
    var job: JobView
    var attempts: [AttemptView]
    var outputs: [OutputView]
    var timings: [String: Double]?
}

struct JobListView: Encodable {
    var jobs: [JobView]
    var count: Int
}

struct StatsView: Encodable {
    var counts: [String: Int]
    var total: Int
    /// Jobs still to run: queued, plus failed ones waiting for their retry.
    var queueDepth: Int
    var oldestRunnableAgeSeconds: Double?

    init(_ stats: QueueStats) {
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
