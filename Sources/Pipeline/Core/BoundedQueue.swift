import Job
import Foundation

/// A blocking FIFO of fixed capacity joining two stages of the frame core.
///
/// This and `ReorderQueue` are where non-Sendable values (frames, packets) cross threads, which the compiler
/// cannot check: hence `@unchecked Sendable`. It is safe because every access to `items` and the flags happens
/// with `condition` locked, and an item is owned by exactly one side: the producer gives it up in `put`,
/// the consumer receives it from `take`; neither keeps a reference.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false
    private var cancelled = false
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        items = Array(repeating: nil, count: capacity)
    }

    /// Blocks while full. Returns false (dropping `item`) once the queue is cancelled.
    @discardableResult
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == capacity && !cancelled { condition.wait() }
        if cancelled || closed { return false }
        items[(head + count) % capacity] = item
        count += 1
        condition.broadcast()
        return true
    }

    /// Blocks while empty. Returns nil once the queue is closed and drained, or cancelled.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed && !cancelled { condition.wait() }
        if cancelled || count == 0 { return nil }
        let item = items[head]
        items[head] = nil
        head = (head + 1) % capacity
        count -= 1
        condition.broadcast()
        return item
    }

    /// No more items will be put; takers drain what is left, then get nil.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Wake every waiter and drop what is queued (an error or cancellation elsewhere).
    func cancel() {
        condition.lock()
        cancelled = true
        for i in 0..<capacity { items[i] = nil }
        count = 0
        condition.broadcast()
        condition.unlock()
    }
}

/// Puts numbered items back in order before an encoder (libvips' `sink_disc`).
///
/// Producers `put(seq, item)` in any order; the consumer `take()`s them strictly by sequence number.
/// A producer whose item is `window` or more ahead of the next one due blocks, so memory stays bounded;
/// the item that is due is always accepted, so the stage cannot deadlock. Same safety argument as
/// `BoundedQueue`: all state is guarded by `condition`, items change owner on put/take.
final class ReorderQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [Int: Element] = [:]
    private var next = 0
    private var cancelled = false
    let window: Int

    init(window: Int) {
        precondition(window > 0)
        self.window = window
    }

    @discardableResult
    func put(_ seq: Int, _ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while seq >= next + window && !cancelled { condition.wait() }
        if cancelled { return false }
        pending[seq] = item
        if seq == next { condition.broadcast() }
        return true
    }

    /// The next item in sequence order; nil once cancelled.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while pending[next] == nil && !cancelled { condition.wait() }
        if cancelled { return nil }
        let item = pending.removeValue(forKey: next)
        next += 1
        condition.broadcast()
        return item
    }

    func cancel() {
        condition.lock()
        cancelled = true
        pending.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
