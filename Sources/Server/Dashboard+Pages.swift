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
        let date = UTCDates()
        let shown = filter.map { stats[$0] } ?? stats.total
        // Reload (without the one-off notice) while something is still to run.
        let active = stats[.queued] + stats[.running] > 0
        let page = IndexPage(
            chrome: chrome(title: filter.map { "Jobs · \($0.rawValue)" } ?? "Jobs", current: current, notice: DashboardNotice(request)),
            filter: filter?.rawValue, total: stats.total,
            counts: JobState.allCases.map { .init(state: $0.rawValue, count: stats[$0], selected: $0 == filter) },
            retryableCount: stats[.failed] + stats[.dead], hasRetryable: stats[.failed] + stats[.dead] > 0,
            jobs: jobs.map { Self.row($0, date) },
            truncated: shown > jobs.count ? "Showing the newest \(jobs.count) of \(shown) jobs." : nil,
            refresh: active ? refreshSeconds : nil,
            refreshURL: active ? filter.map { "/?state=\($0.rawValue)" } ?? "/" : nil)
        return html(templates.render("index", page))
    }

    func jobPage(_ request: Request, _ id: String, _ current: DashboardSession.Session) async throws -> Response {
        guard let job = try await queueCall({ try await queue.job(id) }) else {
            return errorPage(.notFound, "No job \(id).", current: current)
        }
        let attempts = try await queueCall { try await queue.attempts(jobID: id) }
        let result: JobResult?
        do {
            result = try job.recordedResult()
        } catch {
            return errorPage(.internalServerError, error.description, current: current)
        }
        let date = UTCDates()
        let files = result?.outputs ?? []
        let url = { (o: JobResult.Output) in "/jobs/\(id)/files/\(Self.pathEscape(o.path))" }
        let thumbnails = files.filter { $0.kind == "thumbnail" }.map { o in
            JobPage.Thumbnail(url: url(o), name: o.name, width: o.width ?? 0, height: o.height ?? 0,
                              time: o.time.map { String(format: "%.2f", $0) })
        }
        let images = files.filter { $0.kind == "image" }.map { o in
            JobPage.Thumbnail(url: url(o), name: "\(o.name) · \(o.width ?? 0)×\(o.height ?? 0) · \((o.codec ?? "").uppercased())",
                              width: o.width ?? 0, height: o.height ?? 0, time: nil)
        }
        let stillNote = result?.still.map { s in
            "Input: \(s.format.uppercased()) \(s.width)×\(s.height)"
                + (s.orientation != 1 ? ", turned upright (EXIF orientation \(s.orientation))" : "")
                + (s.convertedFrom.map { ", converted from \($0) to sRGB" } ?? "")
                + (s.transparency ? ", with transparency" : "") + (s.graphic ? ", a graphic" : ", a photo")
                + "; metadata (EXIF, XMP, IPTC, GPS) not copied to the outputs."
        }
        let sheet = files.first { $0.kind == "contact_sheet" }.map { o in
            JobPage.Picture(url: url(o), width: o.width ?? 0, height: o.height ?? 0)
        }
        let outputRows = files.map { o in
            JobPage.Output(url: url(o), file: o.path, kind: o.kind, size: Self.bytes(o.bytes),
                           picture: o.width.flatMap { w in o.height.map { "\(w)×\($0)" } } ?? "",
                           duration: o.duration.map { String(format: "%.2f s", $0) } ?? "", sha256: o.sha256,
                           shortHash: String(o.sha256.prefix(12)), platform: o.platform?.cell ?? "")
        }
        let findings = files.compactMap { o -> JobPage.Finding? in
            guard let p = o.platform, !p.ok else { return nil }
            return JobPage.Finding(output: o.name, platform: p.name,
                                   violations: p.violations.map { .init(rule: $0.rule, message: $0.message) })
        }
        let latest = attempts.last?.attempt
        let attemptRows = attempts.reversed().map { a in
            JobPage.Attempt(attempt: a.attempt, worker: a.workerID, started: date(a.startedAt),
                            ended: a.endedAt.map { date($0) } ?? "running", outcome: a.outcome?.rawValue ?? "—",
                            progress: a.progress.map { "\(Int(($0 * 100).rounded()))%" } ?? "", error: a.error ?? "",
                            latest: a.attempt == latest, logTail: a.logTail.flatMap { $0.isEmpty ? nil : $0 })
        }
        let active = job.state == .queued || job.state == .running
        let page = JobPage(
            chrome: chrome(title: "Job \(id)", current: current, notice: DashboardNotice(request)),
            job: Self.row(job, date), key: job.key, created: date(job.createdAt), finished: job.finishedAt.map { date($0) },
            canCancel: [.queued, .failed, .running].contains(job.state) && !job.cancelRequested,
            template: Self.specField(job.spec, "template") ?? "none", spec: Self.pretty(job.spec),
            images: images, hasImages: !images.isEmpty, stillNote: stillNote,
            thumbnails: thumbnails, hasThumbnails: !thumbnails.isEmpty, contactSheet: sheet,
            outputs: outputRows, hasOutputs: !files.isEmpty, findings: findings, hasFindings: !findings.isEmpty,
            attemptRows: attemptRows, hasAttempts: !attempts.isEmpty,
            refresh: active ? refreshSeconds : nil, refreshURL: active ? "/jobs/\(id)" : nil)
        return html(templates.render("job", page))
    }

    /// A job as a table row (also the top of the job page).
    static func row(_ job: JobRecord, _ date: UTCDates) -> JobRow {
        let percent = job.progress.map { Int(($0 * 100).rounded()) }
        return JobRow(
            id: job.id, state: job.state.rawValue, attempts: job.attempts, maxAttempts: job.maxAttempts,
            input: specField(job.spec, "input") ?? "", updated: date(job.updatedAt), error: job.error ?? "",
            hasError: !(job.error ?? "").isEmpty,
            hasProgress: percent != nil && (job.state == .running || job.state == .succeeded || (job.progress ?? 0) > 0),
            percent: percent ?? 0, cancelRequested: job.cancelRequested,
            canRetry: [.failed, .dead, .cancelled, .succeeded].contains(job.state),
            canRetryFromList: [.failed, .dead, .cancelled].contains(job.state),
            retryLabel: job.state == .succeeded ? "Run again" : "Retry")
    }

    static func specField(_ spec: String, _ name: String) -> String? {
        JSONValue(text: spec).object?[name]?.string
    }

    static func pretty(_ spec: String) -> String {
        guard let value = JSONValue(json: Data(spec.utf8)) else { return spec }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? spec
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
