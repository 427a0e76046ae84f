import Foundation
import Logging
import Queue
import Testing
import TestSupport

/// Helpers of the reliability tests: a temporary folder with an input root, an output root and a planted
/// secret outside the input root; the built `mediaworker` binary; the ffmpeg CLI to *make* inputs; the
/// queue in-process; polling instead of sleeps.
enum Harness {
    static var repoRoot: URL { TestSupport.repoRoot }

    static var jobsDirectory: String { repoRoot.appendingPathComponent("jobs").path }

    /// The built `mediaworker` executable, beside the test runner.
    static var mediaworker: String { TestSupport.mediaworker }

    /// One test's folder: `in/` (the input root), `out/` (the output root), `secret/` (outside the input root,
    /// holding `secret.txt` with a random secret).
    struct Folder {
        let path: String
        let secret: String
        var input: String { path + "/in" }
        var output: String { path + "/out" }
        var secretDirectory: String { path + "/secret" }
        var secretFile: String { secretDirectory + "/secret.txt" }
        var queuePath: String { path + "/queue.sqlite" }

        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    static func folder() throws -> Folder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mw-rel-\(UUID().uuidString.prefix(8))").path
        let secret = "TOP-SECRET-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
        let folder = Folder(path: path, secret: String(secret))
        for sub in [folder.input, folder.output, folder.secretDirectory] {
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        }
        try Data((folder.secret + "\n").utf8).write(to: URL(fileURLWithPath: folder.secretFile))
        return folder
    }

    static func sqliteQueue(_ path: String, backoff: Backoff = Backoff(base: 0, cap: 0, jitter: 0)) async throws -> any JobQueue {
        var logger = Logger(label: "test.queue")
        logger.logLevel = .warning
        return try await QueueFactory.open(url: .sqlite(path: path), configuration: QueueConfiguration(backoff: backoff), logger: logger)
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test.worker")
        logger.logLevel = .critical
        return logger
    }

    typealias Result = TestSupport.RunResult

    /// Runs a program to its end, both pipes read concurrently.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        try TestSupport.run(executable, arguments, environment: environment)
    }

    /// Runs `bash -c command` with posix_spawn and waitpid, its output to a file (a server it starts keeps no pipe
    /// of ours open, and Foundation's `Process` was seen to miss such a child's exit); returns status and output.
    static func shell(_ command: String, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("mw-rel-sh-\(UUID().uuidString.prefix(8)).log").path
        defer { unlink(log) }
        let words: [String] = ["/bin/bash", "-c", "(\(command)) >\(log) 2>&1 </dev/null"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, argv, envp)
        guard spawned == 0 else { throw Failure("posix_spawn bash: error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure("waitpid: errno \(errno)") }
        }
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (code, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    /// Starts `mediaworker` with `arguments`, its stdout and stderr to files beside `logPrefix`.
    static func startWorker(_ arguments: [String], logPrefix: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mediaworker)
        process.arguments = arguments
        FileManager.default.createFile(atPath: logPrefix + ".out", contents: nil)
        FileManager.default.createFile(atPath: logPrefix + ".err", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: logPrefix + ".out")
        process.standardError = FileHandle(forWritingAtPath: logPrefix + ".err")
        try process.run()
        return process
    }

    /// Makes an input with the ffmpeg CLI (never the product's code path); throws when ffmpeg fails.
    static func ffmpeg(_ arguments: [String]) throws {
        let r = try run("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-nostdin"] + arguments)
        if r.status != 0 { throw Failure("ffmpeg \(arguments.joined(separator: " ")) failed: \(r.stderr)") }
    }

    /// A small H.264 + AAC clip (160×120 by default).
    static func clip(_ path: String, seconds: Double = 1, size: String = "160x120", metadata: String? = nil,
                     extra: [String] = []) throws {
        var args = ["-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25:duration=\(seconds)",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(seconds)"]
        if let metadata { args += ["-metadata", "title=\(metadata)", "-metadata", "comment=\(metadata)"] }
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"] + extra + [path]
        try ffmpeg(args)
    }

    /// Polls `condition` every 100 ms until it holds or `seconds` pass.
    static func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        try await TestSupport.eventually(within: seconds, condition)
    }

    /// Pids of live processes whose command line contains `text`.
    static func processes(containing text: String) -> [Int32] { TestSupport.processes(containing: text) }

    /// Every regular file under `root` (hidden ones included), as paths relative to `root`.
    static func allFiles(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let name = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(name)
            }
        }
        return files.sorted()
    }

    /// Entries of the output root other than the given final folders (leftovers an operator would see).
    static func strayEntries(in outputRoot: String, finals: Set<String>) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: outputRoot)) ?? []).filter { !finals.contains($0) }.sorted()
    }

    /// Files under `root` whose bytes contain `needle`.
    static func files(under root: String, containing needle: String) -> [String] {
        let bytes = Data(needle.utf8)
        return allFiles(under: root).filter { name in
            guard let data = FileManager.default.contents(atPath: root + "/" + name) else { return false }
            return data.range(of: bytes) != nil
        }
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
