import Hummingbird

/// The one error body of the JSON routes (the upload hook and the operators' API): `{"error": "<one line>"}`,
/// with the status saying what kind of failure it is.
public struct ErrorBody: Codable, Sendable, Equatable {
    public var error: String

    public init(_ error: String) { self.error = error }
}

/// Answers a JSON route's errors with ``ErrorBody``: Hummingbird's `HTTPError` (whose own body is
/// `{"error":{"message":…}}`) like our errors, so a client reads one shape whatever refused it.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            var response = JSON.response(ErrorBody(error.body ?? error.status.reasonPhrase), status: error.status)
            response.headers.append(contentsOf: error.headers)
            return response
        }
    }
}
