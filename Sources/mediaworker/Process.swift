import ArgumentParser
import Foundation
import Job
import Pipeline
import Runner
import Verify

struct Process: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Run one job spec without a queue: every rendition from one decode, thumbnails, result.json.")

    @Argument(help: "The job spec (JSON).") var spec: String
    @Option(help: "The output folder (published atomically when the job is done).") var output: String
    @Option(name: .customLong("input-root"), help: "Folder the spec's input (and spec-given assets) resolve in.") var inputRoot = "."
    @Option(name: .customLong("jobs-dir"), help: "Folder of the job templates (default: $\(Locations.jobsDirectoryVariable), else the installation's jobs/, else ./jobs).")
    var jobsDirOption: String?
    var jobsDir: String { Locations.jobsDirectory(jobsDirOption) }
    @Option(help: "Threads for the whole job (0: all cores).") var threads = 0
    @Option(help: "Progress: auto (bar on a terminal, lines otherwise), json (lines on stdout), none.") var progress = "auto"

    func validate() throws {
        guard ["auto", "json", "none"].contains(progress) else { throw ValidationError("--progress must be auto, json or none") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
    }

    func run() throws {
        let printer = ProgressPrinter(progress == "json" ? .json : progress == "none" ? .none : .auto)
        let result = try Fail.reporting {
            let job = try JobSpecLoader(jobsDirectory: jobsDir, inputRoot: inputRoot).load(path: spec)
            return try JobRunner.run(job, outputDirectory: output, options: CoreOptions(threads: threads),
                                     progress: printer.report)
        }
        var lines = ["\(output):"]
        for o in result.outputs {
            var line = "  \(o.kind) \(o.path) \(o.bytes) bytes"
            if let w = o.width, let h = o.height { line += " \(w)×\(h)" }
            if let d = o.duration { line += String(format: " %.3f s", d) }
            if let t = o.time { line += String(format: " at %.3f s", t) }
            if let p = o.platform { line += p.ok ? " — \(p.name): ok" : " — finding: \(p.summary)" }
            lines.append(line)
        }
        lines.append("  result.json")
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
