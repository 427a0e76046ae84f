import Job

/// One line of a verification report.
public struct CheckRow: Sendable, Equatable {
    public var job: String
    public var output: String
    /// The check's name: `video.width`, `audio.codec`, `moov-before-mdat`, `psnr`, `watermark.present`, `dhash`, …
    public var check: String
    public var expected: String
    public var actual: String
    public var passed: Bool

    public init(job: String, output: String, check: String, expected: String, actual: String, passed: Bool) {
        self.job = job
        self.output = output
        self.check = check
        self.expected = expected
        self.actual = actual
        self.passed = passed
    }
}

/// The rows of a verification run and their table.
public struct VerifyReport: Sendable {
    public var rows: [CheckRow] = []
    public init(rows: [CheckRow] = []) { self.rows = rows }

    public var passed: Bool { !rows.isEmpty && rows.allSatisfy(\.passed) }
    public var failures: [CheckRow] { rows.filter { !$0.passed } }

    /// Aligned columns: job, output, check, expected, actual, result.
    public var table: String {
        let header = ["job", "output", "check", "expected", "actual", "result"]
        let lines = [header] + rows.map { [$0.job, $0.output, $0.check, $0.expected, $0.actual, $0.passed ? "pass" : "FAIL"] }
        var widths = [Int](repeating: 0, count: header.count)
        for l in lines { for (i, c) in l.enumerated() { widths[i] = max(widths[i], c.count) } }
        return lines.map { l in
            l.enumerated().map { i, c in i == l.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    public var summary: String {
        "\(rows.count) checks, \(failures.count) failed" + (failures.isEmpty ? "" : ": " + failures.map { "\($0.job)/\($0.output) \($0.check)" }.joined(separator: ", "))
    }
}
