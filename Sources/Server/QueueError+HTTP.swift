import Hummingbird
import Queue

extension QueueError {
    /// The HTTP answer to a queue error: unknown job 404, a transition the state forbids 409, a bad argument
    /// 400, the database unreachable 503.
    var httpError: HTTPError {
        switch code {
        case .notFound: return HTTPError(.notFound, message: message)
        case .invalidTransition: return HTTPError(.conflict, message: message)
        case .invalidArgument: return HTTPError(.badRequest, message: message)
        default: return HTTPError(.serviceUnavailable, message: "the queue failed: \(code)")
        }
    }
}

/// Runs a queue call, turning ``QueueError`` into its HTTP answer.
func queueCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as QueueError {
        throw error.httpError
    }
}
