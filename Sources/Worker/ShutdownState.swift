import Foundation
import Synchronization

/// The worker's graceful shutdown, shared by its loop and its attempts: once requested, no more claims;
/// attempts still running when the grace period ends are stopped and their leases released.
final class ShutdownState: Sendable {
    private let state = Mutex<ContinuousClock.Instant?>(nil)

    func request(grace: Double) {
        state.withLock { deadline in
            if deadline == nil { deadline = .now + .milliseconds(Int64(grace * 1000)) }
        }
    }

    var isRequested: Bool { state.withLock { $0 != nil } }

    var graceExpired: Bool { state.withLock { deadline in deadline.map { .now >= $0 } ?? false } }
}
