import CProcess
import Foundation

/// Forks attempts from one long-lived thread.
///
/// A child's parent-death signal (`PR_SET_PDEATHSIG`) fires when the *thread* that forked it exits, not the
/// process. Swift's cooperative pool and Dispatch retire idle threads, so a child forked from one of them
/// could be killed while its worker is alive and well. Forking from this thread, which lives until the worker
/// stops (after its last child), ties every child to the worker process. It also keeps `fork` off the
/// cooperative pool (house rule 6).
final class Spawner: @unchecked Sendable {
    // `requests` and `stopped` are guarded by `condition`; the thread is the only consumer.
    private let condition = NSCondition()
    private var requests: [@Sendable () -> Void] = []
    private var stopped = false

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "mediaworker-spawner"
        thread.start()
    }

    /// Runs `body` on the spawner thread and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            condition.lock()
            requests.append { continuation.resume(returning: body()) }
            condition.signal()
            condition.unlock()
        }
    }

    /// Ends the thread once pending requests ran. Call only when no child of this spawner is alive.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while requests.isEmpty && !stopped { condition.wait() }
            if requests.isEmpty && stopped {
                condition.unlock()
                return
            }
            let batch = requests
            requests.removeAll()
            condition.unlock()
            for request in batch { request() }
        }
    }
}
