import Foundation
import Hummingbird
import Job
import Queue

/// The two read pages: the job list with counts, and one job.
extension Dashboard {
    func index(_ request: Request, _ current: DashboardSession.Session) async throws -> Response {
        var filter: JobState?
        if let text = request.uri.queryParameters["state"], !text.isEmpty {
            guard let state = JobState(rawValue: String(text)) else {
                return errorPage(.badRequest, "There is no state '\(text)'.", current: current)
            }
            filter = state
        }
        let stats = try await queueCall { try await queue.stats() }
        let jobs = try await queueCall { try await queue.list(state: filter, limit: Self.listLimit) }
        var context = chrome(title: filter.map { "Jobs · \($0.rawValue)" } ?? "Jobs", current: current,
                             notice: DashboardNotice(request))
        if let filter { context["filter"] = filter.rawValue }
        context["total"] = stats.total
        context["counts"] = JobState.allCases.map { state -> [String: Any] in
            ["state": state.rawValue, "count": stats[state], "selected": state == filter]
        }
        context["retryableCount"] = stats[.failed] + stats[.dead]
        context["hasRetryable"] = stats[.failed] + stats[.dead] > 0
        let date = UTCDates()
        context["jobs"] = jobs.map { Self.row($0, date) }
        let shown = filter.map { stats[$0] } ?? stats.total
        if shown > jobs.count { context["truncated"] = "Showing the newest \(jobs.count) of \(shown) jobs." }
        if stats[.queued] + stats[.running] > 0 {
            // Reload without the one-off notice.
            context["refresh"] = refreshSeconds
            context["refreshURL"] = filter.map { "/?state=\($0.rawValue)" } ?? "/"
        }
        return html(templates.render("index", context))
    }

    func jobPage(_ request: Request, _ id: String, _ current: DashboardSession.Session) async throws -> Response {
        guard let job = try await queueCall({ try await queue.job(id) }) else {
            return errorPage(.notFound, "No job \(id).", current: current)
        }
        let attempts = try await queueCall { try await queue.attempts(jobID: id) }
        let result = try await Blocking.run { [outputs] in try? outputs.result(for: id) }
        var context = chrome(title: "Job \(id)", current: current, notice: DashboardNotice(request))
        let date = UTCDates()
        for (key, value) in Self.row(job, date) { context[key] = value }
        context["key"] = job.key
        context["created"] = date(job.createdAt)
        if let finished = job.finishedAt { context["finished"] = date(finished) }
        context["canCancel"] = [.queued, .failed, .running].contains(job.state) && !job.cancelRequested
        context["template"] = Self.specField(job.spec, "template") ?? "none"
        context["spec"] = Self.pretty(job.spec)

        let files = result?.outputs ?? []
        let url = { (o: JobResult.Output) in "/jobs/\(id)/files/\(Self.pathEscape(o.path))" }
        let thumbnails = files.filter { $0.kind == "thumbnail" }.map { o -> [String: Any] in
            var thumbnail: [String: Any] = ["url": url(o), "name": o.name, "width": o.width ?? 0, "height": o.height ?? 0]
            if let time = o.time { thumbnail["time"] = String(format: "%.2f", time) }
            return thumbnail
        }
        context["thumbnails"] = thumbnails
        context["hasThumbnails"] = !thumbnails.isEmpty
        if let sheet = files.first(where: { $0.kind == "contact_sheet" }) {
            context["contactSheet"] = ["url": url(sheet), "width": sheet.width ?? 0, "height": sheet.height ?? 0]
        }
        context["outputs"] = files.map { o -> [String: Any] in
            ["url": url(o), "file": o.path, "kind": o.kind, "size": Self.bytes(o.bytes),
             "picture": o.width.flatMap { w in o.height.map { "\(w)×\($0)" } } ?? "",
             "duration": o.duration.map { String(format: "%.2f s", $0) } ?? "", "sha256": o.sha256,
             "shortHash": String(o.sha256.prefix(12)), "platform": o.platform?.cell ?? ""]
        }
        context["hasOutputs"] = !files.isEmpty
        let findings = files.compactMap { o -> [String: Any]? in
            guard let p = o.platform, !p.ok else { return nil }
            return ["output": o.name, "platform": p.name,
                    "violations": p.violations.map { ["rule": $0.rule, "message": $0.message] }]
        }
        context["findings"] = findings
        context["hasFindings"] = !findings.isEmpty
        let latest = attempts.last?.attempt
        context["attemptRows"] = attempts.reversed().map { a -> [String: Any] in
            var row: [String: Any] = [
                "attempt": a.attempt, "worker": a.workerID, "started": date(a.startedAt),
                "ended": a.endedAt.map { date($0) } ?? "running", "outcome": a.outcome?.rawValue ?? "—",
                "progress": a.progress.map { "\(Int(($0 * 100).rounded()))%" } ?? "", "error": a.error ?? "",
                "latest": a.attempt == latest,
            ]
            if let tail = a.logTail, !tail.isEmpty { row["logTail"] = tail }
            return row
        }
        context["hasAttempts"] = !attempts.isEmpty
        if job.state == .queued || job.state == .running {
            context["refresh"] = refreshSeconds
            context["refreshURL"] = "/jobs/\(id)"
        }
        return html(templates.render("job", context))
    }

    /// A job as a table row (also the top of the job page).
    static func row(_ job: JobRecord, _ date: UTCDates) -> [String: Any] {
        let percent = job.progress.map { Int(($0 * 100).rounded()) }
        return [
            "id": job.id, "state": job.state.rawValue, "attempts": job.attempts, "maxAttempts": job.maxAttempts,
            "input": specField(job.spec, "input") ?? "", "updated": date(job.updatedAt), "error": job.error ?? "",
            "hasError": !(job.error ?? "").isEmpty,
            "hasProgress": percent != nil && (job.state == .running || job.state == .succeeded || (job.progress ?? 0) > 0),
            "percent": percent ?? 0, "cancelRequested": job.cancelRequested,
            "canRetry": [.failed, .dead, .cancelled, .succeeded].contains(job.state),
            // The list offers Retry where something went wrong; the job page also offers running a success again.
            "canRetryFromList": [.failed, .dead, .cancelled].contains(job.state),
            "retryLabel": job.state == .succeeded ? "Run again" : "Retry",
        ]
    }

    static func specField(_ spec: String, _ name: String) -> String? {
        guard case .object(let fields) = JSONValue(text: spec), case .string(let value)? = fields[name] else { return nil }
        return value
    }

    static func pretty(_ spec: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(spec.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return spec }
        return String(decoding: data, as: UTF8.self)
    }

    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20 { return String(format: "%.1f MiB", Double(count) / Double(1 << 20)) }
        if count >= 1 << 10 { return String(format: "%.1f KiB", Double(count) / Double(1 << 10)) }
        return "\(count) B"
    }

    static func pathEscape(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }
}

/// `yyyy-MM-dd HH:mm:ss` in UTC. One formatter per page (making one costs far more than using it).
struct UTCDates {
    private let formatter: DateFormatter

    init() {
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    }

    func callAsFunction(_ date: Date) -> String { formatter.string(from: date) }
}
