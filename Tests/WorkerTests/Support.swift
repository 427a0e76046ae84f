import Foundation
import Logging
import Queue
import Testing
import TestSupport
@testable import Worker

/// Helpers of the worker tests: a SQLite queue in a temporary folder, small inputs made with the ffmpeg CLI,
/// the built `mediaworker` binary, and a fake child that misbehaves on demand.
enum WorkerSupport {
    static var repoRoot: URL { TestSupport.repoRoot }

    /// The built `mediaworker` executable, beside the test runner.
    static var mediaworker: String { TestSupport.mediaworker }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mw-worker-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path + "/in", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/out", withIntermediateDirectories: true)
        return path
    }

    static func queue(in dir: String, backoff: Backoff = Backoff(base: 0, cap: 0, jitter: 0)) async throws -> any JobQueue {
        var logger = Logger(label: "test.queue")
        logger.logLevel = .warning
        return try await QueueFactory.open(
            url: .sqlite(path: dir + "/queue.sqlite"), configuration: QueueConfiguration(backoff: backoff), logger: logger)
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test.worker")
        logger.logLevel = .error
        return logger
    }

    /// A small H.264 + AAC clip made with the ffmpeg CLI.
    static func makeClip(_ path: String, seconds: Int, size: String = "320x240") throws {
        let r = try run("/usr/bin/ffmpeg", [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25:duration=\(seconds)",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(seconds)",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path,
        ])
        if r.status != 0 { throw Failure("ffmpeg failed: \(r.stderr)") }
    }

    /// A job spec: one small rendition and two thumbnails of `input` (relative to the input root).
    static func spec(input: String, width: Int = 160, height: Int = 120) -> String {
        """
        {"version": 1, "input": "\(input)",
         "renditions": [{"name": "small", "width": \(width), "height": \(height), "fit": "cover", "crf": 30, "preset": "ultrafast"}],
         "thumbnails": {"count": 2, "width": 80}}
        """
    }

    /// A child that reads the spec and then: `segv` → dies of SIGSEGV; `hang` → sleeps without a word;
    /// `progress` → reports ever more frames forever; anything else → the real `mediaworker attempt`.
    static func fakeChild(in dir: String) throws -> [String] {
        let path = dir + "/fake-child.sh"
        let script = """
        #!/bin/sh
        spec=$(cat)
        case "$spec" in
          *'"fault": "segv"'*) kill -SEGV $$ ;;
          *'"fault": "hang"'*) exec sleep 600 ;;
          *'"fault": "progress"'*) i=0; while true; do i=$((i+1)); echo "{\\"event\\":\\"progress\\",\\"progress\\":{\\"elapsed\\":1,\\"fps\\":1,\\"fraction\\":0.01,\\"frames\\":$i,\\"total\\":null}}"; sleep 0.1; done ;;
        esac
        printf '%s' "$spec" | exec "\(mediaworker)" attempt "$@"
        """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return [path]
    }

    static func fault(_ name: String) -> String { #"{"version": 1, "fault": "\#(name)"}"# }

    typealias Result = TestSupport.RunResult

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        try TestSupport.run(executable, arguments)
    }

    /// Polls `condition` every 100 ms until it holds or `seconds` pass; returns whether it held.
    static func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        try await TestSupport.eventually(within: seconds, condition)
    }

    /// Pids of running processes whose command line contains `text`.
    static func processes(containing text: String) -> [Int32] { TestSupport.processes(containing: text) }

    /// Entries of the output root that are not a job's final folder (leftovers an operator would see).
    static func strayEntries(in outputRoot: String, finals: Set<String>) -> [String] {
        TestSupport.strayEntries(in: outputRoot, finals: finals)
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
