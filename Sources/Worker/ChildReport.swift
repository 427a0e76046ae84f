import Foundation
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
        guard let data = line.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            append(log: line)  // not ours: keep it with the log
            return false
        }
        switch object["event"] as? String {
        case "succeeded":
            let result = object["result"].flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
            final = .succeeded(result: result.map { String(decoding: $0, as: UTF8.self) } ?? "{}")
            return true
        case "failed":
            final = .failed(error: object["error"] as? String ?? "failed (no message)",
                            retryable: object["retryable"] as? Bool ?? true)
            return false
        default:
            var moved = false
            if let f = (object["frames"] as? NSNumber)?.int64Value, f > frames { frames = f; moved = true }
            if let x = (object["fraction"] as? NSNumber)?.doubleValue, x > (fraction ?? -1) { fraction = x; moved = true }
            fps = (object["fps"] as? NSNumber)?.doubleValue ?? fps
            return moved
        }
    }

    mutating func append(log line: String) {
        logTail += line + "\n"
        if logTail.utf8.count > tailLimit * 2 { logTail = LogTail.cap(logTail, limit: tailLimit) ?? "" }
    }

    var cappedLogTail: String? { logTail.isEmpty ? nil : LogTail.cap(logTail, limit: tailLimit) }
}
