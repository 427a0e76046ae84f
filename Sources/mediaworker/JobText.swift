import Foundation
import Job
import Queue
import Server

/// Dates as the CLI prints them: ISO 8601, as in the JSON documents.
enum JobJSON {
    static func date(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

/// `jobs show` for people.
enum JobText {
    static func describe(_ job: JobRecord, attempts: [AttemptRecord]) -> String {
        var lines = [
            "job       \(job.id)", "state     \(job.state.rawValue)" + (job.cancelRequested ? " (cancel requested)" : ""),
            "key       \(job.key)", "attempts  \(job.attempts)/\(job.maxAttempts)   priority \(job.priority)",
            "created   \(JobJSON.date(job.createdAt))   updated \(JobJSON.date(job.updatedAt))",
        ]
        if job.state == .failed { lines.append("next run  \(JobJSON.date(job.runAt))") }
        if let progress = job.progress { lines.append("progress  \(Int(progress * 100))%") }
        if let error = job.error { lines.append("error     \(error)") }
        if !attempts.isEmpty {
            lines.append("")
            lines.append(Table.render(
                header: ["ATTEMPT", "WORKER", "STARTED", "SECONDS", "OUTCOME", "PROGRESS", "ERROR"],
                rows: attempts.map { a in
                    [String(a.attempt), a.workerID, JobJSON.date(a.startedAt),
                     a.endedAt.map { String(format: "%.1f", $0.timeIntervalSince(a.startedAt)) } ?? "running",
                     a.outcome?.rawValue ?? "", a.progress.map { "\(Int($0 * 100))%" } ?? "",
                     (a.error ?? "").replacingOccurrences(of: "\n", with: " ")]
                }))
            if let last = attempts.last(where: { $0.logTail != nil }), let tail = last.logTail {
                lines.append("")
                lines.append("log tail of attempt \(last.attempt):")
                lines += tail.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).map { "  " + $0 }
            }
        }
        let decoded: JobResult?
        do {
            decoded = try job.recordedResult()
        } catch {
            // Everything else about the job is still worth showing; the result's problem is said where it would be.
            decoded = nil
            lines.append("")
            lines.append("outputs   \(error)")
        }
        if let decoded {
            let outputs = decoded.outputs
            lines.append("")
            lines.append(Table.render(
                header: ["OUTPUT", "KIND", "PATH", "BYTES", "SIZE", "PLATFORM"],
                rows: outputs.map { o in
                    let size = o.width.flatMap { w in o.height.map { "\(w)×\($0)" } } ?? ""
                    return [o.name, o.kind, o.path, String(o.bytes), size, o.platform?.cell ?? ""]
                }))
            let findings = outputs.flatMap { o -> [String] in
                guard let p = o.platform, !p.ok else { return [] }
                return RenditionFinding(rendition: o.name, finding: p).lines.map { "  " + $0 }
            }
            if !findings.isEmpty {
                lines.append("")
                lines.append("platform findings (the outputs were published; a platform may refuse them):")
                lines += findings
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// A plain text table with columns padded to their widest cell.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
