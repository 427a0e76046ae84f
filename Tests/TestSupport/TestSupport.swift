import Foundation

/// Helpers shared by the test targets (a SwiftPM test target cannot import another): the repository, the built
/// `mediaworker` binary, running a program with both pipes drained, polling, and looking at live processes.
public enum TestSupport {
    /// The repository root: the folder above this file that holds `Package.swift`.
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The built `mediaworker` executable, beside the test runner (on Linux the runner sits in the build folder
    /// itself or inside an `.xctest` folder).
    public static var mediaworker: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("mediaworker").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return repoRoot.appendingPathComponent(".build/debug/mediaworker").path
    }

    public struct RunResult: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs a program to its end, reading stdout and stderr concurrently so neither pipe fills up.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], cwd: URL? = nil,
                           environment: [String: String]? = nil) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = cwd }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Polls `condition` every 100 ms until it holds or `seconds` pass; returns whether it held.
    public static func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// Pids of live processes (not this one) whose command line contains `text`.
    public static func processes(containing text: String) -> [Int32] {
        let me = getpid()
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name -> Int32? in
            guard let pid = Int32(name), pid != me,
                  let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            // A zombie's command line is empty: only live processes match.
            let cmdline = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return cmdline.contains(text) ? pid : nil
        }
    }

    /// Entries of an output root other than the jobs' final folders: what an operator would see as leftovers.
    public static func strayEntries(in outputRoot: String, finals: Set<String>) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: outputRoot)) ?? []).filter { !finals.contains($0) }
    }
}
