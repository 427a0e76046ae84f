import Hook
import Hummingbird

/// A refused delivery as an HTTP answer: 401 (with `WWW-Authenticate`) for the signature codes, 413 for a body
/// over the limit, 400 otherwise; the JSON body's `error` is the one-line description.
extension HookError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch code.refusal {
        case .unauthenticated: return .unauthorized
        case .tooLarge: return .contentTooLarge
        case .invalid: return .badRequest
        }
    }

    public var headers: HTTPFields {
        status == .unauthorized ? [.wwwAuthenticate: "\(HookSignature.headerName)"] : [:]
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSON.response(ErrorBody(description), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
