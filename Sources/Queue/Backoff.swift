import Foundation

/// Exponential backoff with jitter: `min(cap, base · 2^(attempt−1)) · (1 ± jitter)`.
public struct Backoff: Sendable, Hashable {
    /// Delay after the first failed attempt, in seconds.
    public var base: TimeInterval
    /// Largest delay before jitter, in seconds.
    public var cap: TimeInterval
    /// Fraction of the delay added or removed at random, in 0..<1.
    public var jitter: Double

    public init(base: TimeInterval = 5, cap: TimeInterval = 3600, jitter: Double = 0.2) {
        self.base = max(0, base)
        self.cap = max(0, cap)
        self.jitter = min(max(0, jitter), 0.99)
    }

    public static let `default` = Backoff()

    /// The delay before jitter after attempt `attempt` (1-based) failed.
    public func nominalDelay(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(max(0, attempt - 1))
        // 2^exponent overflows to +inf for huge attempt counts; min() handles that.
        return min(cap, base * pow(2, exponent))
    }

    /// The range the jittered delay falls in.
    public func bounds(afterAttempt attempt: Int) -> ClosedRange<TimeInterval> {
        let nominal = nominalDelay(afterAttempt: attempt)
        return nominal * (1 - jitter)...nominal * (1 + jitter)
    }

    /// A jittered delay; `unit` is a random number in -1…1 (tests pass fixed values).
    public func delay(afterAttempt attempt: Int, unit: Double) -> TimeInterval {
        nominalDelay(afterAttempt: attempt) * (1 + jitter * min(max(unit, -1), 1))
    }

    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        delay(afterAttempt: attempt, unit: Double.random(in: -1...1))
    }
}
