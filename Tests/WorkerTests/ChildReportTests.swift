import Foundation
import Job
import Pipeline
@testable import Runner
import Testing
@testable import Worker

@Suite struct ChildReportTests {
    @Test func progressLinesMoveForwardOnly() {
        var report = ChildReport(tailLimit: 100)
        let first = report.read(stdoutLine: #"{"frames":10,"fraction":0.1,"fps":30}"#)
        #expect(first)
        #expect(report.frames == 10 && report.fraction == 0.1 && report.fps == 30)
        let same = report.read(stdoutLine: #"{"frames":10,"fraction":0.1,"fps":31}"#)
        #expect(!same)
        let more = report.read(stdoutLine: #"{"frames":11,"fraction":0.1}"#)
        #expect(more)
        #expect(report.final == nil)
    }

    @Test func finalEventsAndForeignLines() {
        var report = ChildReport(tailLimit: 100)
        let foreign = report.read(stdoutLine: "not json")
        #expect(!foreign)
        #expect(report.logTail == "not json\n")
        _ = report.read(stdoutLine: #"{"event":"failed","error":"input: refused","retryable":false}"#)
        guard case .failed(let error, let retryable) = report.final else { Issue.record("no failure read"); return }
        #expect(error == "input: refused" && !retryable)
        _ = report.read(stdoutLine: #"{"event":"succeeded","result":{"outputs":[]}}"#)
        guard case .succeeded(let result) = report.final else { Issue.record("no success read"); return }
        #expect(result == #"{"outputs":[]}"#)
    }

    @Test func logTailIsCappedOnACharacterBoundary() {
        var report = ChildReport(tailLimit: 10)
        for _ in 0..<20 { report.append(log: "ñañañañañ") }
        let tail = report.cappedLogTail!
        #expect(tail.utf8.count <= 10)
        #expect(tail.hasSuffix("\n"))
        #expect(!tail.isEmpty)
    }

    /// A strict rendition's platform failure is final, found before encoding or after: the job goes to `dead` at once.
    @Test func platformFailuresAreNotRetried() {
        let finding = RenditionFinding(rendition: "story", finding: PlatformFinding(
            name: "instagram-reels", violations: [PlatformViolation(rule: "duration", message: "2.000 s, allowed 3–900 s")]))
        let before = AttemptFailure(PipelineError.platformRefused([finding]))
        #expect(!before.retryable)
        #expect(before.message.contains("story: instagram-reels duration: 2.000 s"), "\(before.message)")
        #expect(!AttemptFailure(PipelineError.specViolations([finding], all: [finding])).retryable)
    }
}
