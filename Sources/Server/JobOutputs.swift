import Foundation
import HTTPTypes
import Hummingbird
import Job

/// A job's published outputs: `<outputRoot>/<ID>/result.json` and the files it lists. A file is served only
/// when `result.json` lists it and it resolves (symlinks included) inside that job's folder.
struct JobOutputs: Sendable {
    let outputRoot: String

    /// Job ids are 26 Crockford base-32 characters: checked before an id ever becomes part of a path.
    static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 26 && id.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) }
    }

    /// The job's `result.json`, or `nil` when it has none (yet). Blocking: call through ``Blocking``.
    func result(for id: String) throws -> JobResult? {
        guard Self.isValidID(id) else { return nil }
        let path = outputRoot + "/" + id + "/result.json"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(JobResult.self, from: data)
    }

    /// The absolute path of output `name` of job `id`, or `nil` when the job lists no such output or the file
    /// is not inside the job's folder. Blocking: call through ``Blocking``.
    func file(id: String, name: String) throws -> String? {
        guard Self.isValidID(id), !name.isEmpty, !name.contains("/"), !name.utf8.contains(0) else { return nil }
        guard let result = try result(for: id), let output = result.outputs.first(where: { $0.path == name }) else {
            return nil
        }
        let rules = PathContainment.Rules(mustExist: true, regularFile: true, allowRoot: false)
        return try? PathContainment.resolve(output.path, inside: outputRoot + "/" + id, rules: rules).path
    }

    static func contentType(for name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "mp4", "m4v": return "video/mp4"
        case "json": return "application/json"
        case "txt", "log": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    /// Streams output `name` of job `id` (404 when it is not one of the job's outputs).
    func response(id: String, name: String, context: some RequestContext) async throws -> Response {
        guard let path = try await Blocking.run({ [self] in try file(id: id, name: name) }) else {
            throw HTTPError(.notFound, message: "job \(id) has no output named '\(name)'")
        }
        let body = try await FileIO().loadFile(path: path, context: context)
        return Response(
            status: .ok,
            headers: [
                .contentType: Self.contentType(for: name), .contentDisposition: "inline; filename=\"\(name)\"",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", .cacheControl: "private, max-age=60",
            ],
            body: body)
    }
}
