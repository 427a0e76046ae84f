import Foundation
import Hummingbird

/// JSON bodies: snake_case keys, ISO 8601 dates, sorted keys (stable output for people and tests).
enum JSON {
    static let encoder = JobDocument.encoder

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            // Our own view types always encode; say so loudly if one does not.
            data = Data(#"{"error":"response encoding failed"}"#.utf8)
            return Response(status: .internalServerError, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
