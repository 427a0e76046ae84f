import Foundation

/// What `claim` hands a worker: the job and the fencing token of this claim.
///
/// Every later call about this attempt (`heartbeat`, `complete`, `fail`, `releaseLease`) passes the token;
/// once the job has been re-claimed (or has left `running`), the token is stale and the queue refuses it.
public struct ClaimedJob: Sendable, Hashable {
    public var job: JobRecord
    /// The fencing token: the attempt number of this claim.
    public var token: Int
    public var leaseUntil: Date

    public init(job: JobRecord, token: Int, leaseUntil: Date) {
        self.job = job
        self.token = token
        self.leaseUntil = leaseUntil
    }
}

/// The answer to a heartbeat.
public enum HeartbeatSignal: Sendable, Hashable {
    /// The lease was extended: keep working.
    case keepGoing
    /// The lease was extended, but an operator cancelled the job: stop, then call
    /// `fail(…, outcome: .cancelled, …)`.
    case cancelRequested
}
