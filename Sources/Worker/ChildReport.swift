import Foundation
import Job
import Queue

/// What the worker learns from an attempt's stdout lines, and the tail of its stderr.
struct ChildReport: Sendable {
    enum Final: Sendable {
        case succeeded(result: String)
        case failed(error: String, retryable: Bool)
    }

    var fraction: Double?
    var frames: Int64 = 0
    var fps: Double?
    var final: Final?
    private(set) var logTail = ""
    private let tailLimit: Int

    init(tailLimit: Int) { self.tailLimit = tailLimit }

    /// Reads one stdout line; returns `true` when it moved the progress forward.
    mutating func read(stdoutLine line: String) -> Bool {
        guard let event = AttemptEvent(line: line) else {
            append(log: line)  // not ours: keep it with the log
            return false
        }
        switch event {
        case .succeeded(let result):
            final = .succeeded(result: JSONLine.encode(result))
            return true
        case .failed(let failure):
            final = .failed(error: failure.message, retryable: failure.retryable)
            return false
        case .progress(let p):
            var moved = false
            if p.frames > frames { frames = p.frames; moved = true }
            if p.fraction > (fraction ?? -1) { fraction = p.fraction; moved = true }
            fps = p.fps
            return moved
        }
    }

    mutating func append(log line: String) {
        logTail += line + "\n"
        if logTail.utf8.count > tailLimit * 2 { logTail = LogTail.cap(logTail, limit: tailLimit) ?? "" }
    }

    var cappedLogTail: String? { logTail.isEmpty ? nil : LogTail.cap(logTail, limit: tailLimit) }
}
