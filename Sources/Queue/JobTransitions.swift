import Foundation

/// The state-machine decisions both drivers share, so SQLite and PostgreSQL cannot drift apart.
enum JobTransitions {
    struct AfterFailure: Equatable {
        var state: JobState
        /// When the job may run again (`failed`), else the unchanged run_at.
        var runAt: Date?
        var finished: Bool { state.isFinished }
    }

    /// Where a running job goes when its attempt ends without success.
    ///
    /// - A cancel request, or a worker reporting `cancelled`, ends in `cancelled`.
    /// - Not retryable, or `attempts >= maxAttempts`: `dead`.
    /// - Otherwise `failed`, runnable again after `backoff` for this attempt, except after a lost lease
    ///   (`outcome == .lostLease`): the worker died, not necessarily the job, so it is runnable at once (the
    ///   attempt still counts, so a job that keeps killing its workers ends `dead`).
    static func afterFailure(
        attempts: Int, maxAttempts: Int, cancelRequested: Bool, outcome: AttemptOutcome, retryable: Bool,
        now: Date, backoff: Backoff
    ) -> AfterFailure {
        if cancelRequested || outcome == .cancelled { return AfterFailure(state: .cancelled, runAt: nil) }
        if !retryable || attempts >= maxAttempts { return AfterFailure(state: .dead, runAt: nil) }
        if outcome == .lostLease { return AfterFailure(state: .failed, runAt: now) }
        let delay = backoff.delay(afterAttempt: max(1, attempts))
        return AfterFailure(state: .failed, runAt: now.addingTimeInterval(delay))
    }

    /// States `retry` accepts: failed, dead and cancelled, and succeeded (a re-run on request).
    static func canRetry(_ state: JobState) -> Bool {
        switch state {
        case .failed, .dead, .cancelled, .succeeded: return true
        case .queued, .running: return false
        }
    }

    /// `retry` keeps `attempts` (the history and the fencing tokens stay monotonic) and, when the budget is
    /// spent, raises `max_attempts` to `attempts + 1`: an operator's retry buys exactly one more attempt, so a
    /// poison job never loops on its own. (Each further retry buys one more.)
    static func maxAttemptsAfterRetry(attempts: Int, maxAttempts: Int) -> Int {
        max(maxAttempts, attempts + 1)
    }

    static let leaseExpiredError = "lease expired (worker presumed dead)"
    static let releasedError = "lease released by the worker (shutdown)"
}
