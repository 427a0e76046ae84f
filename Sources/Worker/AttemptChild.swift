import Foundation
import Imaging
import Media
import Pipeline
import Verify

/// The child side of an attempt (`mediaworker attempt`): runs one job spec read from stdin, writes progress
/// lines (``CoreProgress/jsonLine``) and, last, one event line on stdout, which the worker reads:
/// `{"event":"succeeded","result":{…result.json…}}` or `{"event":"failed","error":"…","retryable":false}`.
/// Exit status 0 with a success event, 1 with a failure event; anything else is a crash.
public enum AttemptChild {
    /// - Parameter deadline: wall-clock seconds the input may be read for (the worker passes the attempt's
    ///   timeout); nil for none.
    public static func run(spec: Data, output: String, inputRoot: String, jobsDirectory: String, threads: Int,
                           deadline: Double? = nil) -> Int32 {
        do {
            let job = try JobSpecLoader(jobsDirectory: jobsDirectory, inputRoot: inputRoot).load(data: spec)
            var policy = InputPolicy.default
            policy.deadline = deadline
            let result = try JobRunner.run(job, outputDirectory: output, options: CoreOptions(threads: threads, policy: policy),
                                           platforms: PlatformCheck.rules, progress: { writeLine($0.jsonLine) })
            for o in result.platformFindings {
                guard let p = o.platform else { continue }
                logFindings(RenditionFinding(rendition: o.name, finding: p))
            }
            let resultJSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result))
            writeLine(try json(["event": "succeeded", "result": resultJSON]))
            return 0
        } catch {
            let verdict = FailureClass(error)
            // A failed job publishes nothing (no result.json): its platform findings go to the attempt's log tail.
            for f in (error as? PipelineError)?.platformFindings ?? [] where !f.finding.ok { logFindings(f) }
            FileHandle.standardError.write(Data("mediaworker: error: \(verdict.message)\n".utf8))
            writeLine((try? json(["event": "failed", "error": verdict.message, "retryable": verdict.retryable])) ?? "{}")
            return 1
        }
    }

    /// One stderr line per broken rule: the worker keeps the tail of stderr with the attempt.
    private static func logFindings(_ f: RenditionFinding) {
        for line in f.lines { FileHandle.standardError.write(Data("mediaworker: platform finding: \(line)\n".utf8)) }
    }

    private static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    private static func writeLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// Whether running a failed job again could succeed. Inputs refused by policy, unsupported media, invalid
/// specs and strict renditions' platform-spec violations fail the same way every time: the job goes to `dead` at once.
/// I/O errors (a full disk), decoder and encoder failures and crashes are worth another attempt.
public struct FailureClass: Sendable {
    public var message: String
    public var retryable: Bool

    public init(_ error: any Error) {
        message = String(describing: error)
        switch error {
        case let e as MediaError:
            // A deadline is the attempt's timeout seen from inside: retried, like the worker's own timeout kill.
            retryable = !(e.isRefusedByPolicy || e.isUnsupported || e.isInvalidArgument)
        case let e as PipelineError:
            retryable = !(e.isInvalidSpec || e.isNoVideo || e.isSpecViolation)
        case let e as ImagingError:
            retryable = !(e.isTooLarge || e.isCorrupt || e.kind == .invalidArgument)
        default:
            retryable = true
        }
    }
}
