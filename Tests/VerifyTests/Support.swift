import Foundation
import Media
import Testing

/// What the verification tests need from outside: the repository, scratch folders, the ffmpeg CLI to *make*
/// inputs (the product never runs it), and the built `mediaworker` binary.
enum Fixtures {
    static let repo: String = {
        // FFmpeg's own log stays quiet in the tests, as in the product (MEDIAWORKER_FFMPEG_LOG to see it).
        MediaLog.configure(environment: ProcessInfo.processInfo.environment)
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/", !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir.deleteLastPathComponent()
        }
        return dir.path
    }()

    /// Every scratch folder of this test run lives under one parent, removed when the runner exits.
    static let scratchRoot: String = {
        let path = NSTemporaryDirectory() + "mw-verify-tests-\(getpid())"
        atexit { try? FileManager.default.removeItem(atPath: Fixtures.scratchRoot) }
        return path
    }()

    static func scratch(_ label: String) throws -> String {
        let path = scratchRoot + "/\(label)-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a program; returns its exit status and standard output (standard error goes to a file, so
    /// neither pipe can fill up).
    static func execute(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let errPath = try scratch("stderr") + "/stderr"
        guard FileManager.default.createFile(atPath: errPath, contents: nil) else { throw Problem("cannot create \(errPath)") }
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let task = Process()
        task.executableURL = URL(fileURLWithPath: program)
        task.arguments = arguments
        let out = Pipe()
        task.standardOutput = out
        task.standardError = errHandle
        try task.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        task.waitUntilExit()
        try errHandle.close()
        let errors = try String(contentsOfFile: errPath, encoding: .utf8)
        return (task.terminationStatus, String(decoding: data, as: UTF8.self), errors)
    }

    /// Makes a file with the ffmpeg CLI, failing the test when ffmpeg fails.
    static func ffmpeg(_ arguments: [String]) throws {
        let r = try execute("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + arguments)
        guard r.status == 0 else { throw Problem("ffmpeg \(arguments.joined(separator: " ")): \(r.errors)") }
    }

    /// The `mediaworker` built beside the test runner (on Linux the runner is `<bin>/<package>PackageTests.xctest`).
    static let mediaworker = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("mediaworker").path
}

struct Problem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
