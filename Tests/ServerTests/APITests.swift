import Foundation
import Hummingbird
import HummingbirdTesting
import Queue
@testable import Server
import Testing
import TestSupport

@Suite("Operators' API")
struct APITests {
    @Test("every /api route is 401 without the token, with a wrong one, or without the Bearer scheme")
    func unauthorized() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let id = try await JobFixture.make(harness.queue, key: "a", end: .queued)
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/api/jobs"), (.get, "/api/jobs/\(id)"), (.post, "/api/jobs/\(id)/retry"), (.post, "/api/jobs/\(id)/cancel"),
                (.post, "/api/jobs/retry-failed"), (.get, "/api/jobs/\(id)/files/thumb-01.png"), (.get, "/api/stats"),
            ]
            let headers: [HTTPFields] = [
                [:], [.authorization: "Bearer wrong-token-0000000000"], [.authorization: ServerHarness.token],
                [.authorization: "Basic \(Data(ServerHarness.token.utf8).base64EncodedString())"],
                [.authorization: "Bearer \(ServerHarness.token)x"],
            ]
            for (method, uri) in routes {
                for header in headers {
                    let response = try await client.execute(uri: uri, method: method, headers: header)
                    #expect(response.status == .unauthorized, "\(method) \(uri) with \(header)")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                }
            }
            #expect(try await harness.queue.job(id)?.state == .queued)
        }
    }

    @Test("list (all, by state, limited), show with attempts, errors, log tail, progress and outputs")
    func listAndShow() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let dead = try await JobFixture.make(harness.queue, key: "dead", end: .dead, error: "no video stream", logTail: "probe: 0 streams\n")
            let done = try await JobFixture.make(harness.queue, key: "done", end: .succeeded)
            let running = try await JobFixture.make(harness.queue, key: "running", end: .running)
            let queued = try await JobFixture.make(harness.queue, key: "queued", end: .queued)
            _ = try JobFixture.publishOutputs(harness, id: done)

            let all = try await client.api(harness, .get, "/api/jobs").json()
            #expect(all["count"] as? Int == 4)
            let ids = (all["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == [queued, running, done, dead])
            let deadOnly = try await client.api(harness, .get, "/api/jobs?state=dead").json()
            #expect((deadOnly["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [dead])
            let limited = try await client.api(harness, .get, "/api/jobs?limit=2").json()
            #expect(limited["count"] as? Int == 2)
            #expect(try await client.api(harness, .get, "/api/jobs?state=bogus").status == .badRequest)
            #expect(try await client.api(harness, .get, "/api/jobs?limit=0").status == .badRequest)
            #expect(try await client.api(harness, .get, "/api/jobs?limit=many").status == .badRequest)

            let shown = try await client.api(harness, .get, "/api/jobs/\(dead)").json()
            let job = try #require(shown["job"] as? [String: Any])
            #expect(job["state"] as? String == "dead")
            #expect(job["error"] as? String == "no video stream")
            #expect(job["input"] as? String == "clip.mp4")
            #expect((job["spec"] as? [String: Any])?["template"] as? String == "thumbnails")
            let attempts = try #require(shown["attempts"] as? [[String: Any]])
            #expect(attempts.count == 1)
            #expect(attempts.first?["outcome"] as? String == "failed")
            #expect(attempts.first?["log_tail"] as? String == "probe: 0 streams\n")
            #expect((shown["outputs"] as? [Any])?.isEmpty == true)

            let progress = try await client.api(harness, .get, "/api/jobs/\(running)").json()
            #expect((progress["job"] as? [String: Any])?["progress"] as? Double == 0.42)

            let published = try await client.api(harness, .get, "/api/jobs/\(done)").json()
            let outputs = try #require(published["outputs"] as? [[String: Any]])
            #expect(outputs.map { $0["file"] as? String } == ["thumb-01.png", "thumb-02.png", "contact-sheet.png", "story.mp4"])
            #expect(outputs.first?["url"] as? String == "/api/jobs/\(done)/files/thumb-01.png")
            #expect((published["timings"] as? [String: Any])?["total"] as? Double == 1.25)

            #expect(try await client.api(harness, .get, "/api/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV").status == .notFound)
        }
    }

    @Test("the OpenAPI schemas describe the documents the API types encode: every key documented, every required key present")
    func openAPISchemasMatchTheTypes() async throws {
        let harness = try await ServerHarness.make()
        let schemas = try Self.components()
        try await harness.withRouter { client in
            let schemas = try Self.components()
            let dead = try await JobFixture.make(harness.queue, key: "dead", end: .dead, error: "no video stream", logTail: "tail\n")
            let done = try await JobFixture.make(harness.queue, key: "done", end: .succeeded)
            _ = try await JobFixture.make(harness.queue, key: "running", end: .running)
            _ = try JobFixture.publishOutputs(harness, id: done)
            let cases: [(String, String)] = [
                ("/api/jobs/\(dead)", "JobDetail"), ("/api/jobs/\(done)", "JobDetail"), ("/api/jobs", "JobList"),
                ("/api/stats", "Stats"), ("/api/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV", "Error"),
            ]
            for (uri, schema) in cases {
                let body = try JSONSerialization.jsonObject(with: Data(try await client.api(harness, .get, uri).text.utf8))
                var problems: [String] = []
                Self.check(body, against: ["$ref": "#/components/schemas/\(schema)"], schemas: schemas, at: uri, problems: &problems)
                #expect(problems.isEmpty, "\(uri) against \(schema): \(problems)")
            }
            let dry = try JSONSerialization.jsonObject(with: Data(try await client.api(harness, .post, "/api/jobs/retry-failed?dry_run=1").text.utf8))
            var problems: [String] = []
            Self.check(dry, against: ["$ref": "#/components/schemas/RetryFailed"], schemas: schemas, at: "retry-failed", problems: &problems)
            #expect(problems.isEmpty, "\(problems)")
        }
        // The checker itself finds an undocumented key and a missing required one.
        var problems: [String] = []
        Self.check(["error": "x", "extra": 1] as [String: Any], against: ["$ref": "#/components/schemas/Error"], schemas: schemas, at: "", problems: &problems)
        Self.check([String: Any](), against: ["$ref": "#/components/schemas/Error"], schemas: schemas, at: "", problems: &problems)
        #expect(problems.count == 2, "\(problems)")
    }

    static func components() throws -> [String: Any] {
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.json) as? [String: Any])
        return try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
    }

    /// A small JSON-schema walk (the subset the document uses: $ref, object properties/required/
    /// additionalProperties, array items, scalar types, enum).
    static func check(_ value: Any, against schema: [String: Any], schemas: [String: Any], at path: String, problems: inout [String]) {
        if let ref = schema["$ref"] as? String {
            guard let target = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] else {
                problems.append("\(path): unknown \(ref)"); return
            }
            return check(value, against: target, schemas: schemas, at: path, problems: &problems)
        }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let fits = options.contains { option in
                var sub: [String] = []
                check(value, against: option, schemas: schemas, at: path, problems: &sub)
                return sub.isEmpty
            }
            if !fits { problems.append("\(path): fits none of oneOf") }
            return
        }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { problems.append("\(path): not an object"); return }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { problems.append("\(path).\(key): required, missing") }
            for (key, member) in object {
                if let property = properties[key] as? [String: Any] {
                    check(member, against: property, schemas: schemas, at: "\(path).\(key)", problems: &problems)
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    check(member, against: extra, schemas: schemas, at: "\(path).\(key)", problems: &problems)
                } else if !properties.isEmpty || schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path).\(key): not documented")
                }
            }
        case "array":
            guard let array = value as? [Any] else { problems.append("\(path): not an array"); return }
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() { check(item, against: items, schemas: schemas, at: "\(path)[\(i)]", problems: &problems) }
            }
        case "string":
            guard let text = value as? String else { problems.append("\(path): not a string"); return }
            if let allowed = schema["enum"] as? [String], !allowed.contains(text) { problems.append("\(path): '\(text)' not in enum") }
        case "integer":
            guard let n = value as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue == n.doubleValue.rounded() else {
                problems.append("\(path): not an integer"); return
            }
        case "number":
            if (value as? NSNumber).map({ String(cString: $0.objCType) == "c" }) ?? true { problems.append("\(path): not a number") }
        case "boolean":
            if (value as? NSNumber).map({ String(cString: $0.objCType) != "c" }) ?? true { problems.append("\(path): not a boolean") }
        default:
            break
        }
    }

    @Test("a recorded result that does not decode is said (API 500, jobs show), never shown as no outputs")
    func unreadableResultIsAnError() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let id = try await harness.queue.enqueue(spec: #"{"input":"clip.mp4","version":1}"#, key: "odd", maxAttempts: 1).job.id
            let claimed = try #require(try await harness.queue.claim(workerID: "w", leaseSeconds: 60))
            try await harness.queue.complete(jobID: id, token: claimed.token, result: #"{"outputs":"not a list"}"#)
            let api = try await client.api(harness, .get, "/api/jobs/\(id)")
            #expect(api.status == .internalServerError)
            #expect(try JSONDecoder().decode(ErrorBody.self, from: Data(api.text.utf8)).error.contains("recorded result cannot be read"))
            let queueURL = "sqlite:" + harness.directory.appendingPathComponent("queue.sqlite").path
            let text = try TestSupport.run(TestSupport.mediaworker, ["jobs", "show", id, "--queue", queueURL])
            #expect(text.status == 0 && text.stdout.contains("state     succeeded") && text.stdout.contains("recorded result cannot be read"))
            let json = try TestSupport.run(TestSupport.mediaworker, ["jobs", "show", id, "--json", "--queue", queueURL])
            #expect(json.status != 0 && json.stderr.contains("recorded result cannot be read"), "\(json.stdout)\(json.stderr)")
        }
    }

    @Test("the hook and the API answer every error with one body: {\"error\": \"<one line>\"}")
    func oneErrorBody() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let answers = [
                try await client.api(harness, .get, "/api/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV"),          // 404 from the API
                try await client.api(harness, .get, "/api/jobs?limit=0"),                             // 400 from the API
                try await client.execute(uri: "/api/jobs", method: .get),                             // 401, no token
                try await client.hook(harness, #"{"input":"nope.mp4"}"#),                             // 400 from the hook
                try await client.hook(harness, #"{"input":"nope.mp4"}"#, signature: "t=1,v1=00"),     // 401 from the hook
            ]
            for answer in answers {
                #expect(answer.status.code >= 400)
                let body = try JSONDecoder().decode(ErrorBody.self, from: Data(answer.text.utf8))
                #expect(!body.error.isEmpty && !body.error.contains("\n"), "\(answer.status): \(answer.text)")
                #expect(try answer.json().keys.sorted() == ["error"], "\(answer.text)")
            }
        }
    }

    @Test("jobs show --json and GET /api/jobs/{id} print the same document; jobs list --json and GET /api/jobs too")
    func cliAndAPIPrintOneDocument() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let dead = try await JobFixture.make(harness.queue, key: "dead", end: .dead, error: "no video stream", logTail: "probe: 0 streams\n")
            let done = try await JobFixture.make(harness.queue, key: "done", end: .succeeded)
            _ = try JobFixture.publishOutputs(harness, id: done)
            let queueURL = "sqlite:" + harness.directory.appendingPathComponent("queue.sqlite").path
            func object(_ text: String) throws -> NSDictionary {
                try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary, "\(text)")
            }
            for id in [dead, done] {
                let api = try object(String(buffer: try await client.api(harness, .get, "/api/jobs/\(id)").body))
                let cli = try TestSupport.run(TestSupport.mediaworker, ["jobs", "show", id, "--json", "--queue", queueURL])
                #expect(cli.status == 0, "\(cli.stderr)")
                #expect(try object(cli.stdout) == api, "jobs show --json differs from the API for \(id)")
            }
            #expect(((try object(String(buffer: try await client.api(harness, .get, "/api/jobs/\(done)").body)))["outputs"] as? [Any])?.count == 4)
            let apiList = try object(String(buffer: try await client.api(harness, .get, "/api/jobs").body))
            let cliList = try TestSupport.run(TestSupport.mediaworker, ["jobs", "list", "--json", "--queue", queueURL])
            #expect(try object(cliList.stdout) == apiList)
            let apiStats = try object(String(buffer: try await client.api(harness, .get, "/api/stats").body))
            let cliStats = try TestSupport.run(TestSupport.mediaworker, ["jobs", "stats", "--json", "--queue", queueURL])
            #expect(try object(cliStats.stdout) == apiStats)
        }
    }

    @Test("retry, cancel and their refusals (404 unknown, 409 wrong state)")
    func retryAndCancel() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let dead = try await JobFixture.make(harness.queue, key: "dead", end: .dead)
            let done = try await JobFixture.make(harness.queue, key: "done", end: .succeeded)
            let queued = try await JobFixture.make(harness.queue, key: "queued", end: .queued)

            let retried = try await client.api(harness, .post, "/api/jobs/\(dead)/retry")
            #expect(retried.status == .ok)
            #expect(try retried.json()["state"] as? String == "queued")
            #expect(try await harness.queue.job(dead)?.state == .queued)
            #expect(try await client.api(harness, .post, "/api/jobs/\(queued)/retry").status == .conflict)

            let cancelled = try await client.api(harness, .post, "/api/jobs/\(queued)/cancel")
            #expect(cancelled.status == .ok)
            #expect(try await harness.queue.job(queued)?.state == .cancelled)
            // Cancelling again changes nothing and is no error; a finished job cannot be cancelled.
            #expect(try await client.api(harness, .post, "/api/jobs/\(queued)/cancel").status == .ok)
            #expect(try await client.api(harness, .post, "/api/jobs/\(done)/cancel").status == .conflict)
            #expect(try await harness.queue.job(done)?.state == .succeeded)
            #expect(try await client.api(harness, .post, "/api/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV/retry").status == .notFound)
            #expect(try await client.api(harness, .post, "/api/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel").status == .notFound)
        }
    }

    @Test("retry-failed: dry_run counts failed and dead jobs and changes nothing; then queues them")
    func retryFailed() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let failed = try await JobFixture.make(harness.queue, key: "f", end: .failed)
            let dead1 = try await JobFixture.make(harness.queue, key: "d1", end: .dead)
            let dead2 = try await JobFixture.make(harness.queue, key: "d2", end: .dead)
            let done = try await JobFixture.make(harness.queue, key: "ok", end: .succeeded)

            let dry = try await client.api(harness, .post, "/api/jobs/retry-failed?dry_run=1").json()
            #expect(dry["dry_run"] as? Bool == true)
            #expect(dry["total"] as? Int == 3)
            #expect((dry["counts"] as? [String: Int]) == ["failed": 1, "dead": 2])
            #expect(try await harness.queue.job(dead1)?.state == .dead)
            #expect(try await harness.queue.job(failed)?.state == .failed)

            let deadOnly = try await client.api(harness, .post, "/api/jobs/retry-failed?dry_run=true&state=dead").json()
            #expect(deadOnly["total"] as? Int == 2)
            #expect(try await client.api(harness, .post, "/api/jobs/retry-failed?state=running").status == .badRequest)

            let real = try await client.api(harness, .post, "/api/jobs/retry-failed").json()
            #expect(real["dry_run"] as? Bool == false)
            #expect(real["total"] as? Int == 3)
            for id in [failed, dead1, dead2] { #expect(try await harness.queue.job(id)?.state == .queued) }
            #expect(try await harness.queue.job(done)?.state == .succeeded)
        }
    }

    @Test("files: a listed output is served; anything else, or a listed path escaping the job's folder, is 404")
    func files() async throws {
        let harness = try await ServerHarness.make()
        let secret = try harness.outside("secret.txt")
        try await harness.withRouter { client in
            let done = try await JobFixture.make(harness.queue, key: "done", end: .succeeded)
            let other = try await JobFixture.make(harness.queue, key: "other", end: .succeeded)
            let files = try JobFixture.publishOutputs(harness, id: done)

            let thumb = try await client.api(harness, .get, "/api/jobs/\(done)/files/thumb-01.png")
            #expect(thumb.status == .ok)
            #expect(thumb.headers[.contentType] == "image/png")
            #expect(Data(thumb.body.readableBytesView) == files["thumb-01.png"])
            let video = try await client.api(harness, .get, "/api/jobs/\(done)/files/story.mp4")
            #expect(Data(video.body.readableBytesView) == files["story.mp4"])
            #expect(video.headers[.contentType] == "video/mp4")

            // A file in the folder that result.json does not list, result.json itself, traversal, another job's files.
            try Data("x".utf8).write(to: URL(fileURLWithPath: harness.outputRoot + "/\(done)/unlisted.txt"))
            for name in ["unlisted.txt", "result.json", "..%2F..%2Fsecret.txt", "%2E%2E%2Fsecret.txt", "..", "thumb-03.png"] {
                let response = try await client.api(harness, .get, "/api/jobs/\(done)/files/\(name)")
                #expect(response.status == .notFound, "\(name)")
            }
            #expect(try await client.api(harness, .get, "/api/jobs/\(other)/files/thumb-01.png").status == .notFound)
            #expect(try await client.api(harness, .get, "/api/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV/files/thumb-01.png").status == .notFound)

            // A result.json that lists a symlink out of the folder, or a relative path out of it, serves nothing.
            let folder = harness.outputRoot + "/\(other)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: folder + "/leak.png", withDestinationPath: secret)
            let result = #"{"input":"clip.mp4","timings":{},"outputs":[{"kind":"thumbnail","name":"leak","path":"leak.png","sha256":"00","bytes":6},{"kind":"thumbnail","name":"up","path":"../../secret.txt","sha256":"00","bytes":6}]}"#
            try Data(result.utf8).write(to: URL(fileURLWithPath: folder + "/result.json"))
            #expect(try await client.api(harness, .get, "/api/jobs/\(other)/files/leak.png").status == .notFound)
            #expect(try await client.api(harness, .get, "/api/jobs/\(other)/files/..%2F..%2Fsecret.txt").status == .notFound)
        }
    }

    @Test("stats: counts per state, total, queue depth")
    func stats() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            _ = try await JobFixture.make(harness.queue, key: "d", end: .dead)
            _ = try await JobFixture.make(harness.queue, key: "f", end: .failed)
            _ = try await JobFixture.make(harness.queue, key: "q1", end: .queued)
            _ = try await JobFixture.make(harness.queue, key: "q2", end: .queued)
            let stats = try await client.api(harness, .get, "/api/stats").json()
            #expect(stats["total"] as? Int == 4)
            #expect(stats["queue_depth"] as? Int == 3)
            let counts = try #require(stats["counts"] as? [String: Int])
            #expect(counts == ["queued": 2, "running": 0, "succeeded": 0, "failed": 1, "dead": 1, "cancelled": 0])
        }
    }

    @Test("the OpenAPI document lists exactly the router's routes, and is served without a token")
    func openAPIMatchesRoutes() async throws {
        let harness = try await ServerHarness.make()
        let router = try ServerApplication(configuration: harness.configuration, queue: harness.queue).buildRouter()
        let routes = Set(router.routes.map { "\($0.method.rawValue.uppercased()) \($0.path.description)" })
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.json) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        #expect(routes.count >= 20)
        #expect(routes.subtracting(documented).isEmpty, "routes missing from the document: \(routes.subtracting(documented).sorted())")
        #expect(documented.subtracting(routes).isEmpty, "documented but not routed: \(documented.subtracting(routes).sorted())")
        try await harness.withRouter { client in
            let response = try await client.execute(uri: "/api/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json()["openapi"] as? String == "3.1.0")
        }
    }
}
