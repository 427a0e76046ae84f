import ArgumentParser
import Foundation
import Runner

/// The child process of one attempt (started by `work`): spec on stdin, progress and a final event on stdout.
struct Attempt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attempt",
        abstract: "Run one attempt of a queued job (started by the worker; spec on stdin, JSON lines on stdout).",
        shouldDisplay: false)

    @Option(help: "The job's output folder (published atomically).") var output: String
    @Option(name: .customLong("input-root")) var inputRoot = "."
    @Option(name: .customLong("jobs-dir")) var jobsDir = "jobs"
    @Option var threads = 0
    @Option(name: .customLong("deadline-seconds"), help: "Wall-clock seconds the input may be read for (the worker's --timeout-seconds).")
    var deadlineSeconds: Double?

    func run() throws {
        // A full disk or a file-size limit (RLIMIT_FSIZE) must fail the write with EFBIG ("File too large"),
        // a retryable I/O error that names its cause, not kill the attempt with SIGXFSZ (an unexplained crash).
        signal(SIGXFSZ, SIG_IGN)
        let spec = FileHandle.standardInput.readDataToEndOfFile()
        let code = AttemptChild.run(spec: spec, output: output, inputRoot: inputRoot, jobsDirectory: jobsDir, threads: threads,
                                      deadline: deadlineSeconds)
        if code != 0 { throw ExitCode(code) }
    }
}
