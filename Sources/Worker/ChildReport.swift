import Foundation

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
        if logTail.utf8.count > tailLimit * 2 { logTail = Self.cap(logTail, tailLimit) }
    }

    var cappedLogTail: String? { logTail.isEmpty ? nil : Self.cap(logTail, tailLimit) }

    /// The last `limit` bytes, cut on a character boundary.
    static func cap(_ text: String, _ limit: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var start = utf8.index(utf8.endIndex, offsetBy: -limit)
        while start < utf8.endIndex, utf8[start] & 0xC0 == 0x80 { start = utf8.index(after: start) }
        return String(text[start...])
    }
}
