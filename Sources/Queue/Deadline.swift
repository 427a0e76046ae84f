import Foundation
import Synchronization

/// The first of several racers to finish wins; whoever waits on `value` gets that result. Unlike a task
/// group, waiting does not depend on the losers ever ending.
final class Deadline<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, Error>?
        var waiter: CheckedContinuation<Result<T, Error>, Never>?
    }
    private let state = Mutex(State())

    /// Records `outcome` unless an earlier one was recorded; wakes the waiter (outside the lock).
    func finish(_ outcome: Result<T, Error>) {
        let waiting = state.withLock { s -> CheckedContinuation<Result<T, Error>, Never>? in
            guard s.result == nil else { return nil }
            s.result = outcome
            defer { s.waiter = nil }
            return s.waiter
        }
        waiting?.resume(returning: outcome)
    }

    /// The first recorded outcome (waits for one). One waiter at a time.
    var value: Result<T, Error> {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { s -> Result<T, Error>? in
                    if let result = s.result { return result }
                    s.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
