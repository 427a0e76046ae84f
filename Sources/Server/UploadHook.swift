import Foundation
import HTTPTypes
import Hook
import Hummingbird
import Logging
import Job
import Queue

/// `POST /hooks/upload`: authenticate, read (bounded), parse, check paths, enqueue, answer at once.
struct UploadHook: Sendable {
    let signature: HookSignature
    let queue: any JobQueue
    let uploadRoot: UploadRoot
    let jobsDirectory: String
    let defaultTemplate: String
    let bodyLimit: Int
    let now: @Sendable () -> Date

    init(configuration: ServerConfiguration, queue: any JobQueue, now: @escaping @Sendable () -> Date) {
        signature = HookSignature(secrets: configuration.hookSecrets, tolerance: configuration.signatureTolerance)
        self.queue = queue
        uploadRoot = UploadRoot(path: configuration.uploadRoot)
        jobsDirectory = configuration.jobsDirectory
        defaultTemplate = configuration.defaultTemplate
        bodyLimit = configuration.hookBodyLimit
        self.now = now
    }

    struct Answer: Encodable {
        var job: String?
        var jobs: [String]?
        var existing: Bool?
        var ignored: String?
    }

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        // Unsigned requests are refused before their body is read.
        let header = request.headers[HTTPField.Name(HookSignature.headerName)!]
        guard header != nil else { throw HookError.unsigned }
        let body = try await BodyReader.collect(request, limit: bodyLimit)
        try signature.verify(header: header, body: body, now: now())
        switch try HookPayload.parse(body, defaultTemplate: defaultTemplate) {
        case .ignored(let reason):
            return JSON.response(Answer(ignored: reason), status: .ok)
        case .uploads(let notices):
            // Every notice is checked before any job is created: one bad path refuses the whole delivery.
            let jobs = try await Blocking.run { [self] in try notices.map(makeJob) }
            var ids: [String] = []
            var created = false
            for job in jobs {
                // A queue that does not answer is a 503: senders retry, and the key makes retries safe.
                let result = try await queueCall { try await queue.enqueue(job) }
                ids.append(result.job.id)
                created = created || !result.existing
                context.logger.info(
                    "hook: \(result.existing ? "repeated delivery of" : "enqueued") job \(result.job.id)",
                    metadata: ["key": "\(result.job.key)"])
            }
            let answer = Answer(job: ids.first, jobs: ids.count > 1 ? ids : nil, existing: created ? nil : true)
            return JSON.response(answer, status: created ? .accepted : .ok)
        }
    }

    /// The job spec the worker will load: `{version, template, input, …overrides}` with the input relative to the
    /// upload root, validated now with the same loader the worker uses (so a bad spec is a 400, not a dead job).
    func makeJob(_ notice: UploadNotice) throws -> NewJob {
        let input = try uploadRoot.relativeInput(notice.path)
        var object: [String: JSONValue] = ["version": .int(1)]
        if let overrides = notice.overrides, let fields = JSONValue(json: overrides)?.object {
            object.merge(fields) { _, new in new }
        }
        object["template"] = .string(notice.template)
        object["input"] = .string(input)
        if let captions = notice.captions {
            // Next to the upload, and inside the upload root like it (the same containment check).
            let folder = (input as NSString).deletingLastPathComponent
            let file = try uploadRoot.relativeInput(folder.isEmpty ? captions.file : folder + "/" + captions.file)
            var fields = object["captions"]?.object ?? [:]
            fields["file"] = .string(file)
            fields["language"] = .string(captions.language)
            object["captions"] = .object(fields)
        }
        do {
            _ = try JobSpecLoader(jobsDirectory: jobsDirectory, inputRoot: uploadRoot.path).resolve(object: object)
        } catch let error as JobSpecError {
            throw HookError.invalidSpec("\(error)")
        }
        return NewJob(spec: JSONValue.object(object).text, key: notice.key)
    }
}
