import Foundation

/// Progress of a running job, as the progress bar, `--progress json` and an attempt's progress events report
/// it. On the wire: `{"elapsed":…,"eta":…,"fps":…,"fraction":…,"frames":…,"total":…}`, the fraction to three
/// decimals and the times and rate to one, `total` null when the duration is unknown, `eta` absent until known.
public struct CoreProgress: Sendable, Codable, Equatable {
    /// Output frames encoded (the slowest rendition's count, so the fraction never overstates).
    public var frames: Int64
    /// Output frames expected in all, when the duration is known.
    public var total: Int64?
    public var fraction: Double
    /// Output frames per second so far.
    public var fps: Double
    public var elapsed: Double
    public var eta: Double?

    public init(frames: Int64, total: Int64?, fraction: Double, fps: Double, elapsed: Double, eta: Double?) {
        self.frames = frames
        self.total = total
        self.fraction = fraction
        self.fps = fps
        self.elapsed = elapsed
        self.eta = eta
    }

    enum CodingKeys: String, CodingKey { case frames, total, fraction, fps, elapsed, eta }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(frames, forKey: .frames)
        try c.encode(total, forKey: .total)   // null when unknown: the key is always there
        // JSON has no infinities: a rate or time that is not finite (a clock that did not move) goes out as 0.
        func round(_ v: Double, _ scale: Double) -> Double { v.isFinite ? (v * scale).rounded() / scale : 0 }
        try c.encode(round(fraction, 1000), forKey: .fraction)
        try c.encode(round(fps, 10), forKey: .fps)
        try c.encode(round(elapsed, 10), forKey: .elapsed)
        try c.encodeIfPresent(eta.map { round($0, 10) }, forKey: .eta)
    }

    /// One line of `--progress json`.
    public var jsonLine: String { JSONLine.encode(self) }
}

/// Our own data as one line of JSON (sorted keys, no newline inside): progress lines, attempt events.
public enum JSONLine {
    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Our types encode nothing that can fail (CoreProgress writes non-finite numbers as 0; the rest are
        // strings, integers and results read back from files we wrote): a failure is a programming error.
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            preconditionFailure("cannot encode \(type(of: value)) as JSON: \(error)")
        }
    }
}
