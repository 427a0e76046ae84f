import Foundation
import Job
import Pipeline
@testable import Runner
import Testing
@testable import Worker

@Suite struct ChildReportTests {
    @Test func progressLinesMoveForwardOnly() {
        var report = ChildReport(tailLimit: 100)
        func line(_ frames: Int64, _ fraction: Double, _ fps: Double) -> String {
            AttemptEvent.progress(CoreProgress(frames: frames, total: nil, fraction: fraction, fps: fps, elapsed: 1, eta: nil)).line
        }
        let first = report.read(stdoutLine: line(10, 0.1, 30))
        #expect(first)
        #expect(report.frames == 10 && report.fraction == 0.1 && report.fps == 30)
        let same = report.read(stdoutLine: line(10, 0.1, 31))
        #expect(!same)
        // A progress line with a field renamed or missing is not progress: it goes to the log, it moves nothing.
        let renamed = report.read(stdoutLine: #"{"event":"progress","progress":{"frame":12,"fraction":0.2,"fps":30,"elapsed":1,"total":null}}"#)
        #expect(!renamed && report.frames == 10 && report.logTail.contains("\"frame\":12"))
        let more = report.read(stdoutLine: line(11, 0.1, 30))
        #expect(more)
        #expect(report.final == nil)
    }

    @Test func finalEventsAndForeignLines() {
        var report = ChildReport(tailLimit: 100)
        let foreign = report.read(stdoutLine: "not json")
        #expect(!foreign)
        #expect(report.logTail == "not json\n")
        _ = report.read(stdoutLine: #"{"event":"failed","failure":{"class":"permanent","message":"input: refused"}}"#)
        guard case .failed(let error, let retryable) = report.final else { Issue.record("no failure read"); return }
        #expect(error == "input: refused" && !retryable)
        _ = report.read(stdoutLine: #"{"event":"failed","failure":{"class":"transient","message":"disk full"}}"#)
        guard case .failed(_, let again) = report.final else { Issue.record("no failure read"); return }
        #expect(again)
        let result = JobResult(input: "in.mp4", outputs: [JobResult.Output(kind: "video", name: "a", path: "a.mp4", sha256: "00", bytes: 1)],
                               timings: ["total": 1.5])
        _ = report.read(stdoutLine: AttemptEvent.succeeded(result).line)
        guard case .succeeded(let text) = report.final else { Issue.record("no success read"); return }
        let stored = try? JSONDecoder().decode(JobResult.self, from: Data(text.utf8))
        #expect(stored?.outputs.first?.path == "a.mp4" && stored?.timings["total"] == 1.5)
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
