import Foundation
import Synchronization

/// Wakes idle workers: `wait(timeout:)` returns `true` as soon as `notifyAll()` is called, `false` when the
/// timeout passes or the task is cancelled. A notification with nobody waiting is remembered once, so a worker
/// that checks the queue, finds it empty and then waits does not miss a job enqueued in between.
final class WorkSignal: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var nextID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        /// Ids handed out whose continuation is not registered yet.
        var unregistered: Set<UInt64> = []
        /// Ids resolved (cancelled) before their continuation was registered.
        var resolvedEarly: Set<UInt64> = []
        var pending = false
    }

    private let state = Mutex(State())

    func notifyAll() {
        let waiters = state.withLock { state -> [Waiter] in
            if state.waiters.isEmpty {
                state.pending = true
                return []
            }
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiters
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    func wait(timeout: Duration) async -> Bool {
        let id: UInt64? = state.withLock { state in
            if state.pending {
                state.pending = false
                return nil
            }
            state.nextID += 1
            state.unregistered.insert(state.nextID)
            return state.nextID
        }
        guard let id else { return true }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let registered = state.withLock { state -> Bool in
                    if state.resolvedEarly.remove(id) != nil { return false }
                    state.unregistered.remove(id)
                    state.waiters[id] = Waiter(continuation: continuation, timer: nil)
                    return true
                }
                guard registered else {
                    continuation.resume(returning: false)
                    return
                }
                let timer = Task { [weak self] in
                    do {
                        try await Task.sleep(for: timeout)
                    } catch {
                        return  // cancelled: the waiter was resumed by a notification
                    }
                    self?.resolve(id)
                }
                let stillWaiting = state.withLock { state -> Bool in
                    guard state.waiters[id] != nil else { return false }
                    state.waiters[id]?.timer = timer
                    return true
                }
                if !stillWaiting { timer.cancel() }
            }
        } onCancel: {
            self.resolve(id)
        }
    }

    /// Resumes waiter `id` with `false` (timeout or cancellation), or remembers that it was resolved.
    private func resolve(_ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            if state.unregistered.remove(id) != nil { state.resolvedEarly.insert(id) }
            return nil
        }
        guard let waiter else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: false)
    }
}
