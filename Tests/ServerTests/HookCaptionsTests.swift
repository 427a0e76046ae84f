import Foundation
import HummingbirdTesting
import NIOCore
import Queue
import Server
import Testing

@Suite struct HookCaptionsTests {
    @Test("a captions file next to the upload joins the job's spec; one elsewhere, missing or unnamed is 400")
    func captionsNextToTheUpload() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("campaign/clip one.mp4")
        try harness.upload("campaign/clip one.es.srt")
        try harness.upload("other.es.srt")
        try await harness.withRouter { client in
            let body = #"{"input":"campaign/clip one.mp4","key":"c","captions":"clip one.es.srt"}"#
            let response = try await client.hook(harness, body)
            #expect(response.status == .accepted, "\(response.text)")
            let id = try #require(try response.json()["job"] as? String)
            let job = try #require(try await harness.queue.job(id))
            let spec = try #require(try JSONSerialization.jsonObject(with: Data(job.spec.utf8)) as? [String: Any])
            let captions = try #require(spec["captions"] as? [String: Any])
            #expect(captions["file"] as? String == "campaign/clip one.es.srt")
            #expect(captions["language"] as? String == "es")
            for bad in [#""captions":"../other.es.srt""#, #""captions":"missing.es.srt""#, #""captions":"clip one.srt""#,
                        #""captions":{"file":"clip one.es.srt","language":"not a tag"}"#, #""captions":{"file":"x.es.srt","size":3}"#] {
                let r = try await client.hook(harness, #"{"input":"campaign/clip one.mp4","key":"\#(bad.count)",\#(bad)}"#)
                #expect(r.status == .badRequest, "\(bad): \(r.text)")
            }
            #expect(try await harness.jobCount() == 1)
        }
    }
}
