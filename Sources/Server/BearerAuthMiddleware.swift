import Hook
import Hummingbird

/// `Authorization: Bearer <operator token>` or 401; the token is compared in constant time.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            ConstantTime.equal(String(header.dropFirst("Bearer ".count)), token)
        else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"mediaworker\""],
                            message: "a valid operator token is required (Authorization: Bearer …)")
        }
        return try await next(request, context)
    }
}
