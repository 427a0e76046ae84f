import Foundation

/// Counts per state, for dashboards and metrics.
public struct QueueStats: Sendable, Hashable {
    /// Every state is present (0 when empty).
    public var counts: [JobState: Int]
    /// How long the longest-waiting runnable job (queued, or failed with `run_at` reached) has been
    /// runnable, in seconds: now − its `run_at`. `nil` when nothing is runnable.
    public var oldestRunnableAge: TimeInterval?

    public init(counts: [JobState: Int], oldestRunnableAge: TimeInterval?) {
        var all: [JobState: Int] = [:]
        for state in JobState.allCases { all[state] = counts[state] ?? 0 }
        self.counts = all
        self.oldestRunnableAge = oldestRunnableAge
    }

    public subscript(state: JobState) -> Int { counts[state] ?? 0 }
    public var total: Int { counts.values.reduce(0, +) }
}
