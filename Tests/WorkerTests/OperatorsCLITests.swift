import Foundation
import Queue
import Testing

/// The operators' commands through the real binary: ids alone on stdout, JSON for scripts, one error line.
@Suite struct OperatorsCLITests {
    typealias S = WorkerSupport

    func cli(_ dir: String, _ arguments: [String]) throws -> S.Result {
        try S.run(S.mediaworker, ["jobs"] + arguments + ["--queue", "sqlite:\(dir)/queue.sqlite"])
    }

    @Test("enqueue prints the id alone; list/show/stats --json; retry --dry-run; cancel; an unknown id is one error line")
    func commands() throws {
        let dir = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try S.makeClip(dir + "/in/clip.mp4", seconds: 1)
        try S.spec(input: "clip.mp4").write(toFile: dir + "/spec.json", atomically: true, encoding: .utf8)
        let jobsDir = S.repoRoot.appendingPathComponent("jobs").path

        let enqueued = try cli(dir, ["enqueue", dir + "/spec.json", "--input-root", dir + "/in", "--jobs-dir", jobsDir, "--key", "k-1", "--priority", "3"])
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let id = enqueued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 26 && !id.contains(" "), "stdout must be the id alone: \(enqueued.stdout)")
        let again = try cli(dir, ["enqueue", dir + "/spec.json", "--input-root", dir + "/in", "--jobs-dir", jobsDir, "--key", "k-1"])
        #expect(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == id, "same key, same job")
        #expect(again.stderr.contains("already enqueued"))

        let bad = try cli(dir, ["enqueue", dir + "/nope.json", "--input-root", dir + "/in"])
        #expect(bad.status != 0 && bad.stdout.isEmpty && bad.stderr.contains("nope.json"))

        let list = try cli(dir, ["list", "--json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let rows = try #require(listed["jobs"] as? [[String: Any]])
        #expect(rows.count == 1 && listed["count"] as? Int == 1)
        for field in ["id", "state", "attempts", "max_attempts", "key", "priority", "spec", "created_at", "updated_at"] {
            #expect(rows.first?.keys.contains(field) == true, "list --json lacks \(field)")
        }
        #expect(rows.first?["state"] as? String == "queued" && rows.first?["key"] as? String == "k-1")

        let show = try cli(dir, ["show", id, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let job = try #require(document["job"] as? [String: Any])
        #expect(job["priority"] as? Int == 3 && (document["attempts"] as? [Any])?.isEmpty == true)
        #expect(job["input"] as? String == "clip.mp4" && (job["spec"] as? [String: Any])?["input"] as? String == "clip.mp4")

        let dry = try cli(dir, ["retry", "--failed", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("0 failed job(s) would be retried"))
        let cancel = try cli(dir, ["cancel", id])
        #expect(cancel.status == 0 && cancel.stdout.contains("cancelled"))

        let stats = try cli(dir, ["stats", "--json"])
        let statsDocument = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let counts = try #require(statsDocument["counts"] as? [String: Any])
        #expect(counts["cancelled"] as? Int == 1 && statsDocument["total"] as? Int == 1)

        let missing = try cli(dir, ["show", "NOPE"])
        #expect(missing.status == 1)
        #expect(missing.stderr.split(separator: "\n").count == 1 && missing.stderr.contains("no job NOPE"))
    }
}
