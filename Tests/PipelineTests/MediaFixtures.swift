import Foundation
import Testing

/// Test inputs made with the ffmpeg CLI (tests only; the product never runs it), and its cross-checks.
enum FFmpegCLI {
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["ffmpeg", "-hide_banner", "-nostdin", "-y"] + arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else { throw FixtureError(text: "ffmpeg \(arguments.joined(separator: " ")): \(text.suffix(600))") }
        return text
    }

    /// `ffmpeg -af ebur128=peak=true`'s summary: integrated loudness (LUFS) and true peak (dBFS).
    static func ebur128(_ path: String) throws -> (integrated: Double, truePeak: Double) {
        let text = try run(["-nostats", "-i", path, "-map", "0:a", "-af", "ebur128=peak=true", "-f", "null", "-"])
        guard let summary = text.range(of: "Summary:", options: .backwards) else { throw FixtureError(text: "no ebur128 summary") }
        let tail = String(text[summary.upperBound...])
        func value(after label: String) -> Double? {
            guard let r = tail.range(of: label) else { return nil }
            return Double(tail[r.upperBound...].trimmingCharacters(in: .whitespaces).prefix { "-0123456789.inf".contains($0) })
        }
        guard let i = value(after: "I:"), let p = value(after: "Peak:") else { throw FixtureError(text: "unreadable summary: \(tail)") }
        return (i, p)
    }

    static func tempDir(_ tag: String) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("mw-\(tag)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}
