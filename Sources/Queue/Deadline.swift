import Foundation

/// The first of several racers to finish wins; whoever waits on `value` gets that result. Unlike a task
/// group, waiting does not depend on the losers ever ending.
final class Deadline<T: Sendable>: @unchecked Sendable {
    // Safe: `result` and `waiter` are only touched with `lock` held.
    private let lock = NSLock()
    private var result: Result<T, Error>?
    private var waiter: CheckedContinuation<Result<T, Error>, Never>?

    /// Records `outcome` unless an earlier one was recorded; wakes the waiter.
    func finish(_ outcome: Result<T, Error>) {
        lock.lock()
        guard result == nil else { lock.unlock(); return }
        result = outcome
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.resume(returning: outcome)
    }

    /// The first recorded outcome (waits for one). One waiter at a time.
    var value: Result<T, Error> {
        get async {
            await withCheckedContinuation { continuation in
                lock.lock()
                if let result {
                    lock.unlock()
                    continuation.resume(returning: result)
                } else {
                    waiter = continuation
                    lock.unlock()
                }
            }
        }
    }
}
