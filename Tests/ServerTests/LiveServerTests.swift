import Foundation
import HummingbirdTesting
import NIOCore
import Queue
import Server
import Testing
import TestSupport
import Worker
import Logging

@Suite("Real socket")
struct LiveServerTests {
    /// The real worker runs beside the server (as `serve --work` adds it): it claims the job and runs the attempt in
    /// a child process, the built `mediaworker attempt`.
    @Test("signed hook for a sample clip over TCP, the job processed by the worker, polled through the API, a thumbnail fetched")
    func endToEnd() async throws {
        let harness = try await ServerHarness.make()
        let sample = ServerHarness.repository.appendingPathComponent("samples/campaign-16x9.mp4").path
        try FileManager.default.copyItem(atPath: sample, toPath: harness.uploadRoot + "/campaign.mp4")
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        var quiet = Logger(label: "test.worker")
        quiet.logLevel = .error
        let worker = try Worker(queue: harness.queue, configuration: WorkerConfiguration(
            workerID: "live-test", inputRoot: harness.uploadRoot, outputRoot: harness.outputRoot,
            jobsDirectory: harness.configuration.jobsDirectory, threadsPerAttempt: 2, pollSeconds: 0.2,
            childCommand: [Self.mediaworker, "attempt"]), logger: quiet)
        let working = Task { try await worker.run() }

        try await harness.application().test(.live) { client in
            #expect(client.port != nil)
            let body = #"{"input":"campaign.mp4","template":"thumbnails","key":"live-1","overrides":{"thumbnails":{"count":2,"width":320,"contact_sheet":true}}}"#
            let response = try await client.hook(harness, body)
            #expect(response.status == .accepted, "\(response.text)")
            let id = try #require(try response.json()["job"] as? String)

            var state = ""
            for _ in 0..<480 where state != "succeeded" && state != "dead" {
                let shown = try await client.api(harness, .get, "/api/jobs/\(id)").json()
                state = (shown["job"] as? [String: Any])?["state"] as? String ?? ""
                if state != "succeeded" { try await Task.sleep(for: .milliseconds(250)) }
            }
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
        worker.requestShutdown()
        try await working.value
        await harness.queue.close()
    }

    static var mediaworker: String { TestSupport.mediaworker }
}
