/// The life cycle of a job.
///
/// ```
/// queued ──claim──▶ running ──complete──▶ succeeded
///    ▲                 │
///    │                 ├──fail (retryable, attempts left)──▶ failed ──(run_at reached)──▶ running …
///    │                 ├──fail (not retryable / attempts exhausted)──▶ dead
///    │                 ├──fail(outcome: .cancelled) after a cancel request──▶ cancelled
///    └──releaseLease───┘
/// queued / failed ──cancel──▶ cancelled;  failed / dead / cancelled / succeeded ──retry──▶ queued
/// ```
public enum JobState: String, Sendable, Codable, CaseIterable, Hashable {
    case queued
    case running
    case succeeded
    case failed
    case dead
    case cancelled

    /// States a job can no longer leave by itself (only an operator's `retry` moves it).
    public var isFinished: Bool {
        switch self {
        case .succeeded, .dead, .cancelled: return true
        case .queued, .running, .failed: return false
        }
    }
}
