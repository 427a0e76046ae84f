import Foundation

/// What an attempt's child process tells its worker, one JSON line each on stdout: progress as it goes, then
/// exactly one `succeeded` or `failed`. Both sides encode and decode this type, so a renamed field is a
/// compile error rather than a stall detector gone blind. Lines that do not decode are the child's log.
///
/// On the wire (sorted keys):
/// `{"event":"progress","progress":{…CoreProgress…}}`,
/// `{"event":"succeeded","result":{…result.json…}}`,
/// `{"event":"failed","failure":{"class":"permanent","message":"…"}}`.
public enum AttemptEvent: Sendable, Codable {
    case progress(CoreProgress)
    case succeeded(JobResult)
    case failed(AttemptFailure)

    enum Kind: String, Codable { case progress, succeeded, failed }
    enum CodingKeys: String, CodingKey { case event, progress, result, failure }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Kind.self, forKey: .event) {
        case .progress: self = .progress(try c.decode(CoreProgress.self, forKey: .progress))
        case .succeeded: self = .succeeded(try c.decode(JobResult.self, forKey: .result))
        case .failed: self = .failed(try c.decode(AttemptFailure.self, forKey: .failure))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .progress(let p): try c.encode(Kind.progress, forKey: .event); try c.encode(p, forKey: .progress)
        case .succeeded(let r): try c.encode(Kind.succeeded, forKey: .event); try c.encode(r, forKey: .result)
        case .failed(let f): try c.encode(Kind.failed, forKey: .event); try c.encode(f, forKey: .failure)
        }
    }

    /// The event as one stdout line (no trailing newline).
    public var line: String { JSONLine.encode(self) }

    /// The event a stdout line carries, or nil when the line is not one (a library's own output: log it).
    public init?(line: String) {
        guard line.hasPrefix("{"), let event = try? JSONDecoder().decode(AttemptEvent.self, from: Data(line.utf8)) else {
            return nil
        }
        self = event
    }
}

/// Why an attempt failed, and whether running it again could help.
public struct AttemptFailure: Sendable, Codable, Equatable {
    public var message: String
    public var failureClass: FailureClass

    public init(message: String, failureClass: FailureClass) {
        self.message = message
        self.failureClass = failureClass
    }

    enum CodingKeys: String, CodingKey {
        case message
        case failureClass = "class"
    }

    public var retryable: Bool { failureClass == .transient }
}

/// Whether a failure is worth another attempt.
public enum FailureClass: String, Sendable, Codable, CaseIterable {
    /// The same job fails the same way every time (an invalid spec, an input refused by policy or unsupported,
    /// a strict rendition's platform rule broken): the job goes to `dead` at once.
    case permanent
    /// A full disk, an encoder or decoder failure, a deadline, a crash: another attempt may succeed.
    case transient
}
