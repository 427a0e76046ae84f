import Job
import Foundation

/// A few persistent helper threads that run the bands of one frame's work alongside the calling thread
/// (the frame core's style: fixed threads and bounded queues, no task or dispatch per frame). With no
/// helpers everything runs on the caller. The helpers end when the pool is released.
final class BandPool {
    /// One band of work, moved to a helper through its queue (and only read there until it reports done).
    private final class Band: @unchecked Sendable {
        // @unchecked: the caller hands the band over through a BoundedQueue and waits for `done` before it
        // touches what `body` captures again; the helper runs `body` once and drops it.
        let index: Int
        let body: (Int) -> Void
        init(index: Int, body: @escaping (Int) -> Void) { self.index = index; self.body = body }
    }

    private let inboxes: [BoundedQueue<Band>]
    private let done: BoundedQueue<Int>
    var helpers: Int { inboxes.count }

    init(helpers: Int, name: String = "mw-colour") {
        let inboxes = (0..<max(0, helpers)).map { _ in BoundedQueue<Band>(capacity: 1) }
        let done = BoundedQueue<Int>(capacity: max(1, helpers))
        self.inboxes = inboxes
        self.done = done
        for (k, inbox) in inboxes.enumerated() {
            let thread = Thread {
                while let band = inbox.take() {
                    band.body(band.index)
                    done.put(band.index)
                }
            }
            thread.name = "\(name)-\(k)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        for inbox in inboxes { inbox.close() }
    }

    /// Run `body(0) … body(bands − 1)`, band 0 on the calling thread, the others on the helpers; returns
    /// when all are done. `bands` is at most `helpers + 1`.
    func run(bands: Int, _ body: @escaping (Int) -> Void) {
        let n = min(bands, inboxes.count + 1)
        for k in 1..<max(1, n) { inboxes[k - 1].put(Band(index: k, body: body)) }
        body(0)
        for _ in 1..<max(1, n) { _ = done.take() }
    }
}
