import Foundation
import Hook
import Hummingbird

/// Reads a request body up to a limit, refusing as soon as the limit is passed: a declared `Content-Length`
/// over the limit is refused before a byte is read, and a streamed body is cut while it is read.
enum BodyReader {
    static func collect(_ request: Request, limit: Int) async throws -> Data {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw HookError.bodyTooLarge(limit)
        }
        var data = Data()
        for try await buffer in request.body {
            guard data.count + buffer.readableBytes <= limit else { throw HookError.bodyTooLarge(limit) }
            data.append(contentsOf: buffer.readableBytesView)
        }
        return data
    }
}
