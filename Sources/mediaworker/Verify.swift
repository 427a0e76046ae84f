import ArgumentParser
import Foundation
import Runner
import Verify

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run the sample jobs and check every output against its expected-output manifest.",
        discussion: "Runs each SAMPLES_DIR/jobs/*.json (inputs resolve in SAMPLES_DIR), checks its outputs against "
            + "SAMPLES_DIR/expected/<job>.json and prints a table; exits non-zero on any failure. --update rewrites "
            + "the manifests from the current outputs instead (review the diff).")

    @Argument(help: "The samples folder: jobs/, expected/ and the inputs.") var samplesDir = "samples"
    @Flag(help: "Rewrite the manifests from the current outputs.") var update = false
    @Option(name: .customLong("jobs-dir"), help: "Folder of the job templates (default: $\(Locations.jobsDirectoryVariable), else the installation's jobs/, else ./jobs).")
    var jobsDirOption: String?
    var jobsDir: String { Locations.jobsDirectory(jobsDirOption) }
    @Option(help: "Keep the outputs in this folder (default: a temporary folder, removed afterwards).") var output: String?
    @Option(help: "Threads for each job (0: all cores).") var threads = 0
    @Flag(name: .customLong("reuse-outputs"), help: "Check the outputs an earlier run left in --output instead of running the jobs.")
    var reuseOutputs = false

    func validate() throws {
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
        if reuseOutputs, output == nil { throw ValidationError("--reuse-outputs needs --output (the earlier run's folder)") }
    }

    func run() throws {
        let work = output ?? FileManager.default.temporaryDirectory.appendingPathComponent("mediaworker-verify-\(UUID().uuidString.prefix(8))").path
        defer { if output == nil { try? FileManager.default.removeItem(atPath: work) } }
        let verifier = SampleVerifier(samplesDirectory: samplesDir, jobsDirectory: jobsDir, workDirectory: work, threads: threads)
        let report = try Fail.reporting {
            try verifier.run(update: update, runJobs: !reuseOutputs) { FileHandle.standardError.write(Data("verify: \($0)\n".utf8)) }
        }
        print(report.table)
        print(report.summary)
        if !report.passed { throw ExitCode(1) }
    }
}
