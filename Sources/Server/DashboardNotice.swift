import Hummingbird

/// What a dashboard action reports after its redirect. Only codes travel in the URL (`?done=retried&job=…`); the
/// text is made here, so a crafted link cannot put words of its own on the page.
enum DashboardNotice: Equatable {
    case retried(job: String)
    case cancelled(job: String)
    case cancelRequested(job: String)
    case retriedAll(count: Int)

    var query: String {
        switch self {
        case .retried(let job): return "done=retried&job=\(job)"
        case .cancelled(let job): return "done=cancelled&job=\(job)"
        case .cancelRequested(let job): return "done=cancel-requested&job=\(job)"
        case .retriedAll(let count): return "done=retried-all&count=\(count)"
        }
    }

    var text: String {
        switch self {
        case .retried(let job): return "Job \(job) is queued again."
        case .cancelled(let job): return "Job \(job) is cancelled."
        case .cancelRequested(let job): return "Cancel requested: the worker stops job \(job) at its next heartbeat."
        case .retriedAll(let count): return "\(count) failed job\(count == 1 ? " is" : "s are") queued again."
        }
    }

    /// The notice a page's query names, when it names a valid one.
    init?(_ request: Request) {
        let query = request.uri.queryParameters
        guard let done = query["done"] else { return nil }
        let job = query["job"].map(String.init) ?? ""
        switch done {
        case "retried" where JobOutputs.isValidID(job): self = .retried(job: job)
        case "cancelled" where JobOutputs.isValidID(job): self = .cancelled(job: job)
        case "cancel-requested" where JobOutputs.isValidID(job): self = .cancelRequested(job: job)
        case "retried-all":
            guard let count = query["count"].flatMap({ Int($0) }), count >= 0 else { return nil }
            self = .retriedAll(count: count)
        default: return nil
        }
    }
}
