import Metrics
import Foundation
import Queue

/// The worker's metrics (swift-metrics; exported by whatever backend the process bootstrapped, e.g. Prometheus
/// in `serve`). Every name starts with `mediaworker_`.
struct WorkerMetrics: Sendable {
    let busySlots = Gauge(label: "mediaworker_worker_busy_slots")

    func attemptEnded(outcome: AttemptOutcome, seconds: Double, fps: Double?) {
        Counter(label: "mediaworker_attempts_total", dimensions: [("outcome", outcome.rawValue)]).increment()
        Timer(label: "mediaworker_job_duration_seconds").recordSeconds(seconds)
        if let fps, fps > 0 { Recorder(label: "mediaworker_job_fps", aggregate: true).record(fps) }
    }
}
