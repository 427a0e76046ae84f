import Foundation
import HummingbirdTesting
import Logging
import Queue
import Server
import Testing
import TestSupport
import Worker

/// Ordinary uploads as a new user makes them: through the signed upload hook with the default template, over a
/// real socket, run by the real worker in `mediaworker attempt` children (as `serve --work` runs them).
///
/// Kept cheap for CI: 160×90 clips made with the ffmpeg CLI, and the default template is the repository's
/// `jobs/social.json` with every rendition's box a tenth of its size (thumbnails 64 px wide) — every other field,
/// the platforms and `fps_min` included, exactly as shipped. Its Instagram renditions are then too small for
/// Instagram: those size findings are expected too, and prove findings never discard an upload.
@Suite("Ordinary uploads", .serialized)
struct OrdinaryUploadTests {
    /// Writes `social.json` (the real template, boxes scaled down) and `social-strict.json` (the same with
    /// `"platform_check": "fail"` on every rendition) into `directory`.
    static func smallTemplates(in directory: String) throws {
        let real = ServerHarness.repository.appendingPathComponent("jobs/social.json")
        var template = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: real)) as? [String: Any])
        var renditions = try #require(template["renditions"] as? [[String: Any]])
        for i in renditions.indices {
            for key in ["width", "height"] {
                let size = try #require(renditions[i][key] as? Int)
                renditions[i][key] = Int((Double(size) / 20).rounded()) * 2
            }
        }
        template["renditions"] = renditions
        var thumbnails = try #require(template["thumbnails"] as? [String: Any])
        thumbnails["width"] = 64
        template["thumbnails"] = thumbnails
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: template).write(to: URL(fileURLWithPath: directory + "/social.json"))
        template["renditions"] = renditions.map { r in r.merging(["platform_check": "fail"]) { _, new in new } }
        try JSONSerialization.data(withJSONObject: template).write(to: URL(fileURLWithPath: directory + "/social-strict.json"))
    }

    static func ffmpeg(_ arguments: [String]) throws {
        let r = try TestSupport.run("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + arguments)
        guard r.status == 0 else { throw Failure("ffmpeg \(arguments.joined(separator: " ")): \(r.stderr)") }
    }

    /// A 160×90 (or `size`) test pattern at `fps`, with a tone unless `audio` is false.
    static func clip(_ path: String, seconds: Double, fps: String, size: String = "160x90", audio: Bool = true) throws {
        var args = ["-f", "lavfi", "-i", "testsrc2=s=\(size):r=\(fps):d=\(seconds)"]
        if audio { args += ["-f", "lavfi", "-i", "sine=f=440:r=44100:d=\(seconds)", "-map", "0:v", "-map", "1:a", "-c:a", "aac"] }
        try ffmpeg(args + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path])
    }

    /// ffprobe's average frame rate of the first video stream.
    static func frameRate(_ path: String) throws -> Double {
        let r = try TestSupport.run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=avg_frame_rate",
                                                         "-of", "default=nw=1:nk=1", path])
        let parts = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").compactMap { Double($0) }
        guard parts.count == 2, parts[1] > 0 else { throw Failure("ffprobe \(path): \(r.stdout) \(r.stderr)") }
        return parts[0] / parts[1]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Rules broken per output (`story` → ["width", "duration"]), from an API answer or result.json.
    static func findings(_ outputs: [[String: Any]]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for o in outputs where o["kind"] as? String == "video" {
            let p = o["platform"] as? [String: Any]
            out[o["name"] as? String ?? "?"] = (p?["violations"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        }
        return out
    }

    @Test("a long interview, a short teaser, a 15 fps slideshow and a portrait clip all succeed through the hook and the default template, findings recorded; a strict rendition fails before encoding")
    func ordinaryUploadsSucceedWithFindings() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mw-ordinary-\(UUID().uuidString.prefix(8))").path
        try Self.smallTemplates(in: scratch + "/jobs")
        let harness = try await ServerHarness.make { $0.jobsDirectory = scratch + "/jobs" }
        defer {
            try? FileManager.default.removeItem(at: harness.directory)
            try? FileManager.default.removeItem(atPath: scratch)
        }
        // Over X's 140 s, cheap: 10 fps. Under Reels' 3 s. 15 fps, below the 23 fps Instagram minimum, no audio.
        try Self.clip(harness.uploadRoot + "/interview.mp4", seconds: 141, fps: "10")
        try Self.clip(harness.uploadRoot + "/teaser.mp4", seconds: 2, fps: "30")
        try Self.clip(harness.uploadRoot + "/slideshow.mp4", seconds: 4, fps: "15", audio: false)
        try Self.clip(harness.uploadRoot + "/portrait.mp4", seconds: 4, fps: "25", size: "90x160")

        var quiet = Logger(label: "test.worker")
        quiet.logLevel = .error
        let worker = try Worker(queue: harness.queue, configuration: WorkerConfiguration(
            workerID: "ordinary-test", inputRoot: harness.uploadRoot, outputRoot: harness.outputRoot,
            jobsDirectory: harness.configuration.jobsDirectory, threadsPerAttempt: 2, pollSeconds: 0.1,
            childCommand: [TestSupport.mediaworker, "attempt"]), logger: quiet)
        let working = Task { try await worker.run() }

        try await harness.application().test(.live) { client in
            // The default template: the hook body names none.
            func upload(_ body: String) async throws -> String {
                let response = try await client.hook(harness, body)
                #expect(response.status == .accepted, "\(response.text)")
                return try #require(try response.json()["job"] as? String)
            }
            func settle(_ id: String, within seconds: Int) async throws -> [String: Any] {
                for _ in 0..<(seconds * 10) {
                    // A poll that times out on a loaded machine (the attempts use both cores) is asked again.
                    let shown: [String: Any]
                    do { shown = try await client.api(harness, .get, "/api/jobs/\(id)").json() } catch {
                        try await Task.sleep(for: .milliseconds(100))
                        continue
                    }
                    let state = (shown["job"] as? [String: Any])?["state"] as? String ?? ""
                    if ["succeeded", "dead", "failed", "cancelled"].contains(state) { return shown }
                    try await Task.sleep(for: .milliseconds(100))
                }
                Issue.record("job \(id) did not finish in \(seconds) s")
                return [:]
            }
            func state(_ detail: [String: Any]) -> String? { (detail["job"] as? [String: Any])?["state"] as? String }

            // Strict first: it must fail from the probe, before any encoding.
            let strict = try await upload(#"{"input":"teaser.mp4","template":"social-strict","key":"strict-teaser"}"#)
            let refused = try await settle(strict, within: 30)
            #expect(state(refused) == "dead", "\(refused)")
            let attempts = try #require(refused["attempts"] as? [[String: Any]])
            #expect(attempts.count == 1, "not retried: \(attempts)")
            let error = (refused["job"] as? [String: Any])?["error"] as? String ?? ""
            #expect(error.contains("refused before encoding") && error.contains("story: instagram-reels duration: 2.0"), "\(error)")
            let record = try #require(try await harness.queue.attempts(jobID: strict).first)
            let attemptSeconds = try #require(record.endedAt).timeIntervalSince(record.startedAt)
            // Before encoding: the attempt reported no frame at all (its progress never moved). How long it took is
            // printed, not asserted (about 0.2 s on an idle machine; a loaded one stretches the process start).
            #expect((record.progress ?? 0) == 0, "the strict attempt encoded frames: progress \(record.progress ?? 0)")
            #expect(record.logTail?.contains("platform finding: story: instagram-reels duration") == true, "\(record.logTail ?? "")")
            #expect(!FileManager.default.fileExists(atPath: harness.outputRoot + "/" + strict), "a failed job publishes nothing")
            print("ordinary uploads: strict attempt ended in \(String(format: "%.3f", attemptSeconds)) s (\(error))")

            var ids: [String: String] = [:]
            for name in ["interview", "teaser", "slideshow", "portrait"] {
                ids[name] = try await upload(#"{"input":"\#(name).mp4","key":"ordinary-\#(name)"}"#)
            }
            var found: [String: [String: [String]]] = [:]
            for name in ["teaser", "slideshow", "portrait", "interview"] {
                let id = try #require(ids[name])
                let started = Date()
                let detail = try await settle(id, within: 300)
                #expect(state(detail) == "succeeded", "\(name): \(detail["job"] ?? "")")
                let outputs = try #require(detail["outputs"] as? [[String: Any]])
                #expect(outputs.filter { $0["kind"] as? String == "video" }.count == 5, "\(name): \(outputs)")
                #expect(outputs.filter { $0["kind"] as? String == "video" }.allSatisfy { $0["platform"] is [String: Any] })
                found[name] = Self.findings(outputs)
                // result.json on disk says the same.
                let file = harness.outputRoot + "/" + id + "/result.json"
                let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
                #expect(Self.findings(try #require(result["outputs"] as? [[String: Any]])) == found[name])
                print("ordinary uploads: \(name) \(state(detail) ?? "?") (waited \(String(format: "%.1f", Date().timeIntervalSince(started))) s): \(found[name] ?? [:])")
            }

            // Shorter than Reels' 3 s: a duration finding on the Instagram outputs, none on X's (0.5–140 s).
            #expect(found["teaser"]?["story"]?.contains("duration") == true)
            #expect(found["teaser"]?["feed-1x1"]?.contains("duration") == true)
            #expect(found["teaser"]?["safe-720p"] == [])
            // Longer than X's 140 s: a finding on X's output only.
            #expect(found["interview"]?["safe-720p"] == ["duration"])
            #expect(found["interview"]?["story"]?.contains("duration") == false)
            // Every output of every upload: no frame-rate finding (fps_min), YouTube's and X's clean otherwise.
            for (name, outputs) in found {
                for (output, rules) in outputs { #expect(!rules.contains("frame-rate"), "\(name) \(output): \(rules)") }
                #expect(outputs["landscape"] == [], "\(name)")
            }
            // The 15 fps slideshow: each frame shown twice on Instagram's outputs, the source rate elsewhere.
            let slideshow = harness.outputRoot + "/" + (ids["slideshow"] ?? "")
            #expect(abs(try Self.frameRate(slideshow + "/story.mp4") - 30) < 0.01)
            #expect(abs(try Self.frameRate(slideshow + "/feed-4x5.mp4") - 30) < 0.01)
            #expect(abs(try Self.frameRate(slideshow + "/landscape.mp4") - 15) < 0.01)

            // The operator API's document describes it; the dashboard's job page and `jobs show` show it.
            let teaser = try #require(ids["teaser"])
            let browser = try await Browser.signIn(client)
            let page = try await browser.get(client, "/jobs/\(teaser)")
            #expect(page.text.contains("Platform findings") && page.text.contains("instagram-reels <strong>duration</strong>"), "\(page.text)")
            #expect(page.text.contains("x: ok"))
            let show = try TestSupport.run(TestSupport.mediaworker, ["jobs", "show", teaser, "--queue",
                                                                     "sqlite:" + harness.directory.appendingPathComponent("queue.sqlite").path])
            #expect(show.stdout.contains("platform findings") && show.stdout.contains("story: instagram-reels duration: 2.0"), "\(show.stdout)\(show.stderr)")
            let json = try TestSupport.run(TestSupport.mediaworker, ["jobs", "show", teaser, "--json", "--queue",
                                                                     "sqlite:" + harness.directory.appendingPathComponent("queue.sqlite").path])
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let listed = try #require(shown["outputs"] as? [[String: Any]])
            #expect(Self.findings(listed) == found["teaser"])
        }
        worker.requestShutdown()
        try await working.value
        await harness.queue.close()
    }
}
