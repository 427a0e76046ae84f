import Foundation
import Job
import Pipeline
import Verify

/// `mediaworker verify`: runs every job in `<samples>/jobs/` (inputs resolved in `<samples>`), then checks
/// each output against `<samples>/expected/<job>.json`, or records those manifests with `update`.
public struct SampleVerifier: Sendable {
    public var samplesDirectory: String
    public var jobsDirectory: String
    /// Where the jobs' outputs go (`<work>/<job>/`).
    public var workDirectory: String
    public var threads: Int

    public init(samplesDirectory: String, jobsDirectory: String, workDirectory: String, threads: Int = 0) {
        self.samplesDirectory = samplesDirectory
        self.jobsDirectory = jobsDirectory
        self.workDirectory = workDirectory
        self.threads = threads
    }

    /// The sample jobs' names (spec file names without `.json`), sorted.
    public func jobNames() throws -> [String] {
        let dir = samplesDirectory + "/jobs"
        let files: [String]
        do { files = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
            throw VerifyError.samples("\(dir): no sample jobs (\(error.localizedDescription))")
        }
        let names = files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        guard !names.isEmpty else { throw VerifyError.samples("\(dir): no sample jobs (*.json)") }
        return names
    }

    public func manifestPath(_ job: String) -> String { samplesDirectory + "/expected/" + job + ".json" }
    public func outputDirectory(_ job: String) -> String { workDirectory + "/" + job }

    public func load(_ job: String) throws -> ResolvedJob {
        try JobSpecLoader(jobsDirectory: jobsDirectory, inputRoot: samplesDirectory).load(path: samplesDirectory + "/jobs/" + job + ".json")
    }

    /// Run every sample job, then verify (or, with `update`, record) its outputs. `log` hears each step.
    /// - Parameter runJobs: false checks the outputs an earlier run left in `workDirectory` instead.
    public func run(update: Bool, runJobs: Bool = true, log: (String) -> Void = { _ in }) throws -> VerifyReport {
        var report = VerifyReport()
        for name in try jobNames() {
            log("\(name): \(runJobs ? "running" : "reading earlier outputs")")
            let started = Date()
            let job: ResolvedJob
            do {
                job = try load(name)
                if runJobs {
                    _ = try JobRunner.run(job, outputDirectory: outputDirectory(name), options: CoreOptions(threads: threads),
                                          platforms: PlatformCheck.rules)
                }
            } catch {
                report.rows.append(CheckRow(job: name, output: "-", check: "job", expected: "completes", actual: "\(error)", passed: false))
                continue
            }
            log(String(format: "%@: ran in %.1f s, %@", name, Date().timeIntervalSince(started), update ? "recording" : "checking"))
            if update {
                let manifest = try ManifestRecorder.record(jobName: name, job: job, outputDirectory: outputDirectory(name))
                try manifest.write(to: manifestPath(name))
                report.rows.append(CheckRow(job: name, output: "-", check: "manifest", expected: "recorded",
                                            actual: "\(manifest.outputs.count) outputs → \(manifestPath(name))", passed: true))
            } else {
                report.rows += check(name, job: job)
            }
        }
        return report
    }

    /// Check job `name`'s outputs (already in `outputDirectory(name)`) against its manifest.
    public func check(_ name: String, job: ResolvedJob) -> [CheckRow] {
        do {
            let manifest = try Manifest.load(path: manifestPath(name))
            return ManifestChecker.check(jobName: name, job: job, outputDirectory: outputDirectory(name), manifest: manifest)
                + platformRows(name)
        } catch {
            return [CheckRow(job: name, output: "-", check: "manifest", expected: "present", actual: "\(error)", passed: false)]
        }
    }

    /// A sample must meet the platforms its renditions name: a finding in its `result.json` fails verification
    /// (the job itself succeeded with it).
    func platformRows(_ name: String) -> [CheckRow] {
        do {
            return try Observation.results(in: outputDirectory(name)).outputs.compactMap { o in
                o.platform.map { p in
                    CheckRow(job: name, output: o.name, check: "platform", expected: "meets \(p.name)",
                             actual: p.ok ? "ok" : p.violations.map(\.description).joined(separator: "; "), passed: p.ok)
                }
            }
        } catch {
            return [CheckRow(job: name, output: "-", check: "platform", expected: "result.json", actual: "\(error)", passed: false)]
        }
    }
}
