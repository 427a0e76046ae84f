import Job
import Synchronization

/// A counter any thread may bump and read.
final class Counter: Sendable {
    private let atomic = Atomic<Int64>(0)
    init() {}
    func add(_ n: Int64) { atomic.add(n, ordering: .relaxed) }
    var value: Int64 { atomic.load(ordering: .relaxed) }
}
