import Foundation
import Testing
import TestSupport

/// `jobs`, `work` (and `serve`, which resolves its folders the same way) agree on the queue, the input root, the
/// output root and the templates: by default, and through the same environment variables.
@Suite struct DefaultsCLITests {
    typealias S = WorkerSupport

    /// The test process's environment without any MEDIAWORKER_ setting, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var e = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MEDIAWORKER_") }
        e.merge(extra) { _, new in new }
        return e
    }

    /// A template folder with one small template, so a spec that names it resolves only where the folder is found.
    func writeTemplates(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try #"{"version": 1, "renditions": [{"name": "small", "width": 160, "height": 120, "fit": "cover", "crf": 30, "preset": "ultrafast"}]}"#
            .write(toFile: path + "/tiny.json", atomically: true, encoding: .utf8)
    }

    @Test("with no flags, jobs enqueue and work share var/queue.sqlite, var/uploads and var/outputs, and find ./jobs")
    func sharedDefaults() throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cwd = URL(fileURLWithPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/var/uploads", withIntermediateDirectories: true)
        try S.makeClip(dir + "/var/uploads/clip.mp4", seconds: 1)
        try writeTemplates(dir + "/jobs")
        try #"{"version": 1, "template": "tiny", "input": "clip.mp4"}"#.write(toFile: dir + "/spec.json", atomically: true, encoding: .utf8)

        let enqueued = try TestSupport.run(S.mediaworker, ["jobs", "enqueue", "spec.json"], cwd: cwd, environment: environment())
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let id = enqueued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let worked = try TestSupport.run(S.mediaworker, ["work", "--drain", "--threads", "1", "--log-level", "warning"],
                                         cwd: cwd, environment: environment())
        #expect(worked.status == 0, "\(worked.stderr)")
        #expect(worked.stdout.contains("succeeded → var/outputs/\(id)/"), "\(worked.stdout)")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/var/queue.sqlite"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/var/outputs/\(id)/small.mp4"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/var/outputs/\(id)/result.json"))
    }

    @Test("MEDIAWORKER_QUEUE, _INPUT_ROOT, _OUTPUT_ROOT and _JOBS_DIR are read by jobs and work alike, from any working directory")
    func environmentVariables() throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try S.makeClip(dir + "/in/clip.mp4", seconds: 1)
        try writeTemplates(dir + "/templates")
        try #"{"version": 1, "template": "tiny", "input": "clip.mp4"}"#.write(toFile: dir + "/spec.json", atomically: true, encoding: .utf8)
        let elsewhere = dir + "/elsewhere"           // no jobs/, no var/: only the variables can point the way
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let env = environment([
            "MEDIAWORKER_QUEUE": "sqlite:\(dir)/shared.sqlite", "MEDIAWORKER_INPUT_ROOT": dir + "/in",
            "MEDIAWORKER_OUTPUT_ROOT": dir + "/published", "MEDIAWORKER_JOBS_DIR": dir + "/templates",
        ])
        let cwd = URL(fileURLWithPath: elsewhere)
        let enqueued = try TestSupport.run(S.mediaworker, ["jobs", "enqueue", dir + "/spec.json"], cwd: cwd, environment: env)
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let id = enqueued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let worked = try TestSupport.run(S.mediaworker, ["work", "--drain", "--threads", "1", "--log-level", "warning"],
                                         cwd: cwd, environment: env)
        #expect(worked.status == 0, "\(worked.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/published/\(id)/small.mp4"), "\(worked.stdout)")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/shared.sqlite"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: elsewhere))?.isEmpty == true,
                "nothing is written to the working directory")

        // Without the template folder the same spec is refused at once, naming the template.
        var without = env
        without["MEDIAWORKER_JOBS_DIR"] = nil
        let refused = try TestSupport.run(S.mediaworker, ["jobs", "enqueue", dir + "/spec.json"], cwd: cwd, environment: without)
        #expect(refused.status != 0 && refused.stderr.contains("tiny"), "\(refused.stderr)")
    }
}
