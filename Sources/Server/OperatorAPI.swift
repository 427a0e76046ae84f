import Foundation
import Hummingbird
import Queue

/// The operators' JSON API under `/api` (bearer token). `/api/openapi.json` is public.
struct OperatorAPI: Sendable {
    let queue: any JobQueue
    let outputs: JobOutputs
    let token: String

    static let defaultLimit = 50
    static let maxLimit = 500

    func register(on router: Router<some RequestContext>) {
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
        let api = router.group("/api").add(middleware: JSONErrorMiddleware()).add(middleware: BearerAuthMiddleware(token: token))
        api.get("jobs") { request, _ in try await list(request) }
        api.get("jobs/:id") { _, context in try await show(try context.parameters.require("id")) }
        api.post("jobs/:id/retry") { _, context in
            let id = try context.parameters.require("id")
            return JSON.response(JobView(try await queueCall { try await queue.retry(id) }))
        }
        api.post("jobs/:id/cancel") { _, context in
            let id = try context.parameters.require("id")
            return JSON.response(JobView(try await queueCall { try await queue.cancel(id) }))
        }
        api.post("jobs/retry-failed") { request, _ in try await retryFailed(request) }
        api.get("jobs/:id/files/:name") { _, context in
            let id = try context.parameters.require("id")
            let name = try context.parameters.require("name")
            guard try await queueCall({ try await queue.job(id) }) != nil else {
                throw HTTPError(.notFound, message: "no job \(id)")
            }
            return try await outputs.response(id: id, name: name, context: context)
        }
        api.get("stats") { _, _ in JSON.response(StatsView(try await queueCall { try await queue.stats() })) }
    }

    func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var state: JobState?
        if let text = query["state"], !text.isEmpty {
            guard let parsed = JobState(rawValue: String(text)) else {
                throw HTTPError(.badRequest, message: "state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        }
        var limit = Self.defaultLimit
        if let text = query["limit"] {
            guard let value = Int(text), (1...Self.maxLimit).contains(value) else {
                throw HTTPError(.badRequest, message: "limit must be 1…\(Self.maxLimit)")
            }
            limit = value
        }
        let jobs = try await queueCall { try await queue.list(state: state, limit: limit) }
        return JSON.response(JobListView(jobs))
    }

    func show(_ id: String) async throws -> Response {
        guard let job = try await queueCall({ try await queue.job(id) }) else {
            throw HTTPError(.notFound, message: "no job \(id)")
        }
        let attempts = try await queueCall { try await queue.attempts(jobID: id) }
        do {
            return JSON.response(try JobDocument(job: job, attempts: attempts))
        } catch {
            throw HTTPError(.internalServerError, message: error.description)
        }
    }

    /// `POST /api/jobs/retry-failed[?dry_run=1][&state=failed|dead]`: failed and dead jobs by default.
    func retryFailed(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let dryRun = query["dry_run"].map { ["1", "true", "yes"].contains(String($0).lowercased()) } ?? false
        let states: [JobState]
        switch query["state"].map(String.init) {
        case nil, "": states = [.failed, .dead]
        case "failed": states = [.failed]
        case "dead": states = [.dead]
        case let other?: throw HTTPError(.badRequest, message: "state must be failed or dead, not \(other)")
        }
        var counts: [String: Int] = [:]
        for state in states {
            counts[state.rawValue] = try await queueCall { try await queue.retryAll(state: state, dryRun: dryRun) }
        }
        return JSON.response(RetryFailedView(dryRun: dryRun, counts: counts, total: counts.values.reduce(0, +)))
    }
}
