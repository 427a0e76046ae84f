import Foundation
import Imaging
import Job
import Media
import Pipeline
import Verify

/// The child side of an attempt (`mediaworker attempt`): runs one job spec read from stdin, writes an
/// ``AttemptEvent`` per line on stdout — progress as it goes, then `succeeded` (with the result) or `failed`
/// (with its ``FailureClass``), which the worker reads with the same type.
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
                                           progress: { writeLine(AttemptEvent.progress($0).line) })
            for o in result.platformFindings {
                guard let p = o.platform else { continue }
                logFindings(RenditionFinding(rendition: o.name, finding: p))
            }
            writeLine(AttemptEvent.succeeded(result).line)
            return 0
        } catch {
            let failure = AttemptFailure(error)
            // A failed job publishes nothing (no result.json): its platform findings go to the attempt's log tail.
            for f in (error as? PipelineError)?.platformFindings ?? [] where !f.finding.ok { logFindings(f) }
            FileHandle.standardError.write(Data("mediaworker: error: \(failure.message)\n".utf8))
            writeLine(AttemptEvent.failed(failure).line)
            return 1
        }
    }

    /// One stderr line per broken rule: the worker keeps the tail of stderr with the attempt.
    private static func logFindings(_ f: RenditionFinding) {
        for line in f.lines { FileHandle.standardError.write(Data("mediaworker: platform finding: \(line)\n".utf8)) }
    }

    private static func writeLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

extension AttemptFailure {
    /// Classifies an error: inputs refused by policy, unsupported media, invalid specs and strict renditions'
    /// platform-spec violations fail the same way every time (`permanent`: the job goes to `dead` at once).
    /// I/O errors (a full disk), decoder and encoder failures, deadlines and anything unknown are `transient`.
    public init(_ error: any Error) {
        let permanent: Bool
        switch error {
        case is JobSpecError:
            permanent = true
        case let e as MediaError:
            // A deadline is the attempt's timeout seen from inside: retried, like the worker's own timeout kill.
            permanent = e.isRefusedByPolicy || e.isUnsupported || e.isInvalidArgument
        case let e as PipelineError:
            permanent = e.isInvalidSpec || e.isNoVideo || e.isSpecViolation
        case let e as ImagingError:
            permanent = e.isTooLarge || e.isCorrupt || e.kind == .invalidArgument
        default:
            permanent = false
        }
        self.init(message: String(describing: error), failureClass: permanent ? .permanent : .transient)
    }
}
