import Foundation
import HummingbirdTesting
import NIOCore
import Queue
import Server
import Testing

@Suite("Upload hook: signatures, limits, payloads, paths, idempotency")
struct HookTests {
    static let body = #"{"input":"clip.mp4","key":"upload-1"}"#

    @Test("a signed delivery is 202 with the job id; the job's spec carries the template and the input")
    func accepted() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("clip.mp4")
        try await harness.withRouter { client in
            let response = try await client.hook(harness, Self.body)
            #expect(response.status == .accepted)
            let id = try #require(try response.json()["job"] as? String)
            let job = try #require(try await harness.queue.job(id))
            #expect(job.key == "upload-1")
            #expect(job.state == .queued)
            let spec = try #require(try JSONSerialization.jsonObject(with: Data(job.spec.utf8)) as? [String: Any])
            #expect(spec["input"] as? String == "clip.mp4")
            #expect(spec["template"] as? String == "social")
            #expect(spec["version"] as? Int == 1)
        }
    }

    @Test("a repeated delivery (same key) is 200 with the same id and creates nothing")
    func idempotent() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("clip.mp4")
        try await harness.withRouter { client in
            let first = try await client.hook(harness, Self.body)
            harness.clock.advance(by: 30)
            let again = try await client.hook(harness, Self.body)  // re-signed, as a retrying sender does
            #expect(first.status == .accepted)
            #expect(again.status == .ok)
            #expect(try again.json()["job"] as? String == first.json()["job"] as? String)
            #expect(try again.json()["existing"] as? Bool == true)
            #expect(try await harness.jobCount() == 1)
            // Without a key, a byte-identical body is the same delivery.
            let keyless = #"{"input":"clip.mp4"}"#
            let a = try await client.hook(harness, keyless)
            let b = try await client.hook(harness, keyless)
            #expect(a.status == .accepted)
            #expect(b.status == .ok)
            #expect(try a.json()["job"] as? String == b.json()["job"] as? String)
            #expect(try await harness.jobCount() == 2)
        }
    }

    @Test("unsigned, badly signed, malformed, stale and future signatures are 401 and create nothing")
    func refusedSignatures() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("clip.mp4")
        try await harness.withRouter { client in
            let now = Int(harness.clock.now.timeIntervalSince1970)
            let wrongSecret = harness.signature(Self.body, secrets: ["not-a-configured-secret-000"])
            let otherBody = harness.signature(#"{"input":"clip.mp4","key":"other"}"#)
            let cases: [(String, String?, String)] = [
                ("unsigned", nil, "unsigned"),
                ("empty", "", "unsigned"),
                ("wrong secret", wrongSecret, "bad signature"),
                ("signature of another body", otherBody, "bad signature"),
                ("no t", "v1=" + String(repeating: "ab", count: 32), "malformed signature"),
                ("no v1", "t=\(now)", "malformed signature"),
                ("short v1", "t=\(now),v1=abcd", "malformed signature"),
                ("non-hex v1", "t=\(now),v1=" + String(repeating: "zz", count: 32), "malformed signature"),
                ("stale", harness.signature(Self.body, at: harness.clock.now.addingTimeInterval(-301)), "stale signature"),
                ("future", harness.signature(Self.body, at: harness.clock.now.addingTimeInterval(301)), "stale signature"),
            ]
            for (name, header, reason) in cases {
                let response: TestResponse
                if let header {
                    response = try await client.hook(harness, Self.body, signature: header)
                } else {
                    response = try await client.execute(
                        uri: "/hooks/upload", method: .post, headers: harness.hookHeaders(Self.body, signature: nil),
                        body: ByteBuffer(string: Self.body))
                }
                #expect(response.status == .unauthorized, "\(name)")
                #expect(response.text.contains(reason), "\(name): \(response.text)")
            }
            // Just inside the tolerance is accepted.
            let edge = try await client.hook(harness, Self.body, signature: harness.signature(Self.body, at: harness.clock.now.addingTimeInterval(-299)))
            #expect(edge.status == .accepted)
            #expect(try await harness.jobCount() == 1)
        }
    }

    @Test("a t no clock reaches (Int.min and near it, Int.max) is 401 stale, not a crash")
    func extremeTimestamps() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("clip.mp4")
        try await harness.withRouter { client in
            let v1 = String(repeating: "ab", count: 32)
            // Int.min is 2^63 + now seconds away: more than Int.max, which once trapped the stale message's Int().
            for t in [Int.min, Int.min + 1, -9_223_372_030_000_000_000, Int.max, -1] {
                let response = try await client.hook(harness, Self.body, signature: "t=\(t),v1=\(v1)")
                #expect(response.status == .unauthorized, "t=\(t)")
                #expect(response.text.contains("stale signature"), "t=\(t): \(response.text)")
            }
            #expect(try await harness.jobCount() == 0)
        }
    }

    @Test("a delivery replayed after the tolerance is 401, even though it was once valid")
    func replayedTimestamp() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("clip.mp4")
        try await harness.withRouter { client in
            let body = #"{"input":"clip.mp4","key":"replay"}"#
            let captured = harness.signature(body)
            #expect(try await client.hook(harness, body, signature: captured).status == .accepted)
            harness.clock.advance(by: 301)
            let replay = try await client.hook(harness, body, signature: captured)
            #expect(replay.status == .unauthorized)
            #expect(replay.text.contains("stale"))
            #expect(try await harness.jobCount() == 1)
        }
    }

    @Test("rotation: either configured secret signs; several v1 values, one of them right, pass")
    func rotatedSecrets() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("clip.mp4")
        try await harness.withRouter { client async throws in
            let a = #"{"input":"clip.mp4","key":"old-secret"}"#
            let b = #"{"input":"clip.mp4","key":"new-secret"}"#
            let c = #"{"input":"clip.mp4","key":"both"}"#
            #expect(try await client.hook(harness, a, signature: harness.signature(a, secrets: [ServerHarness.secrets[0]])).status == .accepted)
            #expect(try await client.hook(harness, b, signature: harness.signature(b, secrets: [ServerHarness.secrets[1]])).status == .accepted)
            // A sender still on a retired secret plus the current one: the header has two v1 values.
            let mixed = harness.signature(c, secrets: ["retired-secret-not-configured", ServerHarness.secrets[1]])
            #expect(mixed.components(separatedBy: "v1=").count == 3)
            #expect(try await client.hook(harness, c, signature: mixed).status == .accepted)
            #expect(try await harness.jobCount() == 3)
        }
    }

    @Test("a queue that does not answer makes the hook answer 503, so the sender retries")
    func queueDown() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("clip.mp4")
        try await harness.withRouter { client in
            await harness.queue.close()
            let response = try await client.hook(harness, Self.body)
            #expect(response.status == .serviceUnavailable, "\(response.text)")
        }
    }

    @Test("a body over the limit is 413 before it is parsed, and creates nothing")
    func bodyLimit() async throws {
        let harness = try await ServerHarness.make { $0.hookBodyLimit = 1024 }
        try harness.upload("clip.mp4")
        try await harness.withRouter { client in
            let padding = String(repeating: "x", count: 1100)
            let big = #"{"input":"clip.mp4","key":"\#(padding)"}"#
            let response = try await client.hook(harness, big)
            #expect(response.status == .contentTooLarge)
            // Not even JSON: refused for its size, not its syntax (the limit comes before parsing).
            let junk = String(repeating: "{", count: 2000)
            let junkResponse = try await client.hook(harness, junk)
            #expect(junkResponse.status == .contentTooLarge)
            #expect(try await harness.jobCount() == 0)
            let fits = #"{"input":"clip.mp4","key":"small"}"#
            #expect(try await client.hook(harness, fits).status == .accepted)
        }
    }

    @Test("malformed JSON and unknown payloads are 400 and create nothing")
    func malformed() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("clip.mp4")
        try await harness.withRouter { client in
            for body in ["{not json", "[1,2]", #"{"key":"k"}"#, #"{"input":"clip.mp4","surprise":1}"#, #"{"input":7}"#,
                         #"{"input":"clip.mp4","overrides":{"input":"other.mp4"}}"#,
                         #"{"input":"clip.mp4","overrides":{"renditions":[{"name":"x","width":640,"height":360,"crf":99}]}}"#,
                         #"{"input":"clip.mp4","template":"../etc/passwd"}"#,
                         #"{"Type":"post-finish","Event":{"Upload":{"ID":"abc"}}}"#,
                         #"{"Records":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"b"}}}]}"#] {
                let response = try await client.hook(harness, body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
            }
            #expect(try await harness.jobCount() == 0)
        }
    }

    @Test("overrides replace the template's fields and are validated like any spec")
    func overrides() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("campaign/clip one.mp4")
        try await harness.withRouter { client in
            let body = #"{"input":"campaign/clip one.mp4","template":"thumbnails","key":"o","overrides":{"thumbnails":{"count":3,"width":320}}}"#
            let response = try await client.hook(harness, body)
            #expect(response.status == .accepted)
            let id = try #require(try response.json()["job"] as? String)
            let job = try #require(try await harness.queue.job(id))
            let spec = try #require(try JSONSerialization.jsonObject(with: Data(job.spec.utf8)) as? [String: Any])
            #expect(spec["template"] as? String == "thumbnails")
            #expect(spec["input"] as? String == "campaign/clip one.mp4")
            #expect((spec["thumbnails"] as? [String: Any])?["count"] as? Int == 3)
        }
    }

    @Test("tusd: post-finish enqueues the storage path keyed by the upload id; other hook types are ignored")
    func tusd() async throws {
        let harness = try await ServerHarness.make()
        let stored = try harness.upload("tus/0f3c9a1b")
        try await harness.withRouter { client in
            let finish = #"{"Type":"post-finish","Event":{"Upload":{"ID":"0f3c9a1b","Size":64,"Offset":64,"MetaData":{"filename":"clip.mp4"},"Storage":{"Type":"filestore","Path":"\#(stored)","InfoPath":"\#(stored).info"}},"HTTPRequest":{"Method":"PATCH","URI":"/files/0f3c9a1b","RemoteAddr":"127.0.0.1:5000","Header":{}}}}"#
            let response = try await client.hook(harness, finish)
            #expect(response.status == .accepted, "\(response.text)")
            let id = try #require(try response.json()["job"] as? String)
            let job = try #require(try await harness.queue.job(id))
            #expect(job.key == "tusd:0f3c9a1b")
            #expect(job.spec.contains(#""input":"tus/0f3c9a1b""#))
            #expect(try await client.hook(harness, finish).status == .ok)

            let preCreate = #"{"Type":"pre-create","Event":{"Upload":{"ID":"","Size":64,"MetaData":{}},"HTTPRequest":{"Method":"POST","URI":"/files/","RemoteAddr":"127.0.0.1:5000","Header":{}}}}"#
            let ignored = try await client.hook(harness, preCreate)
            #expect(ignored.status == .ok)
            #expect(try ignored.json()["ignored"] as? String == "tusd pre-create")
            #expect(try await harness.jobCount() == 1)
        }
    }

    @Test("S3/MinIO: ObjectCreated records enqueue bucket/decoded-key; ObjectRemoved is ignored")
    func s3() async throws {
        let harness = try await ServerHarness.make()
        try harness.upload("campaign/videos/my clip (1).mp4")
        try harness.upload("campaign/second.mp4")
        try await harness.withRouter { client in
            let created = #"{"EventName":"s3:ObjectCreated:Put","Key":"campaign/videos/my+clip+%281%29.mp4","Records":[{"eventVersion":"2.0","eventSource":"minio:s3","eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"campaign"},"object":{"key":"videos%2Fmy+clip+%281%29.mp4","size":64,"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"17A2B"}}},{"eventName":"ObjectCreated:CompleteMultipartUpload","s3":{"bucket":{"name":"campaign"},"object":{"key":"second.mp4","eTag":"e1"}}}]}"#
            let response = try await client.hook(harness, created)
            #expect(response.status == .accepted, "\(response.text)")
            let ids = try #require(try response.json()["jobs"] as? [String])
            #expect(ids.count == 2)
            let first = try #require(try await harness.queue.job(ids[0]))
            #expect(first.spec.contains(#""input":"campaign/videos/my clip (1).mp4""#))
            #expect(first.key == "s3:campaign/videos/my clip (1).mp4#d41d8cd98f00b204e9800998ecf8427e")
            #expect(try await client.hook(harness, created).status == .ok)

            let removed = #"{"Records":[{"eventName":"s3:ObjectRemoved:Delete","s3":{"bucket":{"name":"campaign"},"object":{"key":"second.mp4"}}}]}"#
            let ignored = try await client.hook(harness, removed)
            #expect(ignored.status == .ok)
            #expect(try await harness.jobCount() == 2)
        }
    }

    @Test("inputs escaping the upload root (.., absolute, symlink, S3 key, tusd path) are 400 and create nothing")
    func pathEscapes() async throws {
        let harness = try await ServerHarness.make()
        let secret = try harness.outside("outside.mp4")
        try harness.upload("clip.mp4")
        try harness.upload("good/clip.mp4")
        try FileManager.default.createSymbolicLink(atPath: harness.uploadRoot + "/link.mp4", withDestinationPath: secret)
        try FileManager.default.createSymbolicLink(atPath: harness.uploadRoot + "/dir-link", withDestinationPath: harness.directory.path)
        try FileManager.default.createDirectory(atPath: harness.uploadRoot + "/folder", withIntermediateDirectories: true)
        try await harness.withRouter { client in
            let bodies = [
                #"{"input":"../outside.mp4"}"#,
                #"{"input":"folder/../../outside.mp4"}"#,
                #"{"input":"\#(secret)"}"#,
                #"{"input":"link.mp4"}"#,
                #"{"input":"dir-link/outside.mp4"}"#,
                #"{"input":"folder"}"#,
                #"{"input":"missing.mp4"}"#,
                #"{"Type":"post-finish","Event":{"Upload":{"ID":"x1","Storage":{"Type":"filestore","Path":"\#(secret)"}}}}"#,
                #"{"Type":"post-finish","Event":{"Upload":{"ID":"x2","Storage":{"Type":"filestore","Path":"\#(harness.uploadRoot)/link.mp4"}}}}"#,
                #"{"Records":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":".."},"object":{"key":"outside.mp4"}}}]}"#,
                #"{"Records":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"..%2F..%2Foutside.mp4"}}}]}"#,
                // One good record and one bad: the whole delivery is refused, nothing is created.
                #"{"Records":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"good"},"object":{"key":"clip.mp4"}}},{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"x"},"object":{"key":"..%2F..%2Foutside.mp4"}}}]}"#,
            ]
            for body in bodies {
                let response = try await client.hook(harness, body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                // Refused by the upload-root check itself, not only later by the spec loader's own path policy.
                #expect(response.text.contains("path refused"), "\(body): \(response.text)")
            }
            #expect(try await harness.jobCount() == 0)
            // The good record alone is accepted: the refusal above was the bad one's.
            let good = #"{"Records":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"good"},"object":{"key":"clip.mp4"}}}]}"#
            #expect(try await client.hook(harness, good).status == .accepted)
        }
    }
}
