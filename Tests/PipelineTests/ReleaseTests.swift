import Job
import Foundation
import Media
@testable import Pipeline
@testable import Runner
import Testing

/// A run of the frame core releases what it opened, whether the job finishes or fails midway: in a process
/// that runs many jobs (`mediaworker verify`, the tests) anything kept alive accumulates. The input file is
/// the witness: a pipeline kept alive keeps its input open.
@Suite struct ReleaseTests {
    static let sample = JobSpecTests.root.appendingPathComponent("samples/campaign-16x9.mp4").path

    /// Descriptors of this process open on `path`.
    static func descriptors(on path: String) -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path }
    }

    @Test("a transcode with audio closes its input when it finishes and when the input fails midway (no reference cycle keeps the pipeline alive)")
    func inputClosedAfterRun() throws {
        let dir = try JobRunnerTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = dir.appendingPathComponent("whole.mp4").path
        try FileManager.default.copyItem(atPath: Self.sample, toPath: whole)
        let done = try Transcoder.run(TranscodeRequest(input: whole, output: dir.appendingPathComponent("a.mp4").path, width: 320, height: 180),
                                      options: CoreOptions(threads: 2))
        #expect(done.hasAudio && done.renditions[0].frames > 0)
        #expect(Self.descriptors(on: whole).isEmpty, "the finished job left its input open")

        // Cut short: the header is whole, the media data ends a third of the way in, so decoding fails midway.
        let cut = dir.appendingPathComponent("cut.mp4").path
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.sample))
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: cut))
        #expect(throws: (any Error).self) {
            try Transcoder.run(TranscodeRequest(input: cut, output: dir.appendingPathComponent("b.mp4").path, width: 320, height: 180),
                               options: CoreOptions(threads: 2))
        }
        #expect(Self.descriptors(on: cut).isEmpty, "the failed job left its input open")
    }
}
