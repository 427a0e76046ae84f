import Foundation
import HummingbirdTesting
import NIOCore
import Pipeline
import Queue
import Server
import Testing

@Suite("Real socket")
struct LiveServerTests {
    /// Until `serve --work` exists in this tree, the test plays the worker with the real pipeline: it claims the job
    /// from the queue, runs it with `JobRunner` (on its own thread) into `<output-root>/<id>/`, and completes it.
    @Test("signed hook for a sample clip over TCP, the job processed, polled through the API, a thumbnail fetched")
    func endToEnd() async throws {
        let harness = try await ServerHarness.make()
        let sample = ServerHarness.repository.appendingPathComponent("samples/campaign-16x9.mp4").path
        try FileManager.default.copyItem(atPath: sample, toPath: harness.uploadRoot + "/campaign.mp4")
        defer { try? FileManager.default.removeItem(at: harness.directory) }

        try await harness.application().test(.live) { client in
            #expect(client.port != nil)
            let body = #"{"input":"campaign.mp4","template":"thumbnails","key":"live-1","overrides":{"thumbnails":{"count":2,"width":320,"contact_sheet":true}}}"#
            let response = try await client.hook(harness, body)
            #expect(response.status == .accepted, "\(response.text)")
            let id = try #require(try response.json()["job"] as? String)

            let worker = Task { try await Self.work(harness) }
            var state = ""
            for _ in 0..<240 where state != "succeeded" && state != "dead" {
                let shown = try await client.api(harness, .get, "/api/jobs/\(id)").json()
                state = (shown["job"] as? [String: Any])?["state"] as? String ?? ""
                if state != "succeeded" { try await Task.sleep(for: .milliseconds(250)) }
            }
            try await worker.value
            #expect(state == "succeeded")

            let detail = try await client.api(harness, .get, "/api/jobs/\(id)").json()
            let outputs = try #require(detail["outputs"] as? [[String: Any]])
            #expect(outputs.filter { $0["kind"] as? String == "thumbnail" }.count == 2)
            let thumb = try await client.api(harness, .get, "/api/jobs/\(id)/files/thumb-01.png")
            #expect(thumb.status == .ok)
            let size = try #require(TinyPNG.size(Data(thumb.body.readableBytesView)), "not a PNG")
            #expect(size.width == 320)
            #expect(size.height == 180)  // the clip is 1280×720
        }
        await harness.queue.close()
    }

    /// One attempt, as the worker does it: claim, load the spec under the upload root, run, complete.
    static func work(_ harness: ServerHarness) async throws {
        let claimed = try #require(try await harness.queue.claim(workerID: "live-test", leaseSeconds: 120))
        let loader = JobSpecLoader(jobsDirectory: harness.configuration.jobsDirectory, inputRoot: harness.uploadRoot)
        let job = try loader.load(data: Data(claimed.job.spec.utf8))
        let output = harness.outputRoot + "/" + claimed.job.id
        // Blocking C work runs on a thread of its own, never on the cooperative pool.
        let result: JobResult = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try JobRunner.run(job, outputDirectory: output, options: CoreOptions(threads: 2)) })
            }
            thread.start()
        }
        let text = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        try await harness.queue.complete(jobID: claimed.job.id, token: claimed.token, result: text)
    }
}
