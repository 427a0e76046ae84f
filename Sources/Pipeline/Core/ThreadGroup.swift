import Job
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fixed set of OS threads for the frame core (never Swift's cooperative pool: the work blocks in C).
/// The first error any thread throws is kept; it cancels the group so every other stage stops.
final class ThreadGroup: @unchecked Sendable {
    // Safe: `firstError` and `threads` are only touched with `lock` held; `onError` is set before start.
    private let lock = NSLock()
    private var threads: [pthread_t] = []
    private var running = 0
    private var firstError: Error?
    private let onError: @Sendable () -> Void
    private let stackSize: Int

    init(stackSize: Int = 8 << 20, onError: @escaping @Sendable () -> Void) {
        self.stackSize = stackSize
        self.onError = onError
    }

    private final class Start {
        let name: String
        let body: () throws -> Void
        let group: ThreadGroup
        init(name: String, body: @escaping () throws -> Void, group: ThreadGroup) {
            self.name = name
            self.body = body
            self.group = group
        }
    }

    /// Start a thread running `body`. The closure and what it captures move to the new thread: the
    /// caller must not touch those objects again.
    func spawn(_ name: String, _ body: @escaping () throws -> Void) {
        let start = Unmanaged.passRetained(Start(name: name, body: body, group: self)).toOpaque()
        // Counted before it exists: a thread that ends at once must not take the count below the truth.
        lock.lock()
        running += 1
        lock.unlock()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, stackSize)
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { raw in
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            do {
                try start.body()
            } catch {
                start.group.record(error)
            }
            start.group.ended()
            return nil
        }, start)
        pthread_attr_destroy(&attributes)
        if rc != 0 {
            Unmanaged<Start>.fromOpaque(start).release()
            ended()
            let why = rc == EAGAIN ? "out of memory or threads (a memory limit on the process?)" : "error \(rc)"
            record(PipelineError.internalFailure("cannot start thread \(name): \(why)"))
            return
        }
        lock.lock()
        threads.append(thread)
        lock.unlock()
    }

    private func ended() {
        lock.lock()
        running -= 1
        lock.unlock()
    }

    /// Whether every thread started so far has returned (a thread that could not start counts as returned).
    /// Lets the caller wait while doing something else, without a thread of its own for `join`.
    var finished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running == 0
    }

    func record(_ error: Error) {
        lock.lock()
        let first = firstError == nil
        if first { firstError = error }
        lock.unlock()
        if first { onError() }
    }

    /// Wait for every thread; throw the first error any of them threw.
    func join() throws {
        lock.lock()
        let all = threads
        threads.removeAll()
        lock.unlock()
        for t in all { pthread_join(t, nil) }
        lock.lock()
        let error = firstError
        lock.unlock()
        if let error { throw error }
    }
}
