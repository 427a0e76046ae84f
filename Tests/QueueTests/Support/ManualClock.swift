import Foundation
@testable import Queue

/// A clock the test moves by hand. Starts on a whole second so PostgreSQL's microsecond timestamps round-trip.
final class ManualClock: Sendable {
    private let current: Locked<Date>

    init(start: Date = Date(timeIntervalSince1970: floor(Date().timeIntervalSince1970))) {
        current = Locked(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var queueClock: QueueClock { QueueClock { [self] in self.now } }
}

/// Dates stored by PostgreSQL keep microseconds; compare with a small tolerance.
func close(_ lhs: Date?, _ rhs: Date?, within tolerance: TimeInterval = 0.001) -> Bool {
    guard let lhs, let rhs else { return lhs == nil && rhs == nil }
    return abs(lhs.timeIntervalSince(rhs)) <= tolerance
}
