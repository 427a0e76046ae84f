import Foundation
import Hummingbird
import Metrics
import Prometheus
import Queue

/// The Prometheus registry behind `/metrics`. `serve` bootstraps swift-metrics with ``makeFactory()`` once,
/// so the worker's swift-metrics (`mediaworker_attempts_total{outcome}`, `mediaworker_job_duration_seconds`,
/// `mediaworker_job_fps`, `mediaworker_worker_busy_slots`) and Hummingbird's `MetricsMiddleware` (HTTP requests
/// by route, method and status, and their latency) land here; at each scrape the server adds gauges from the
/// queue's statistics. `serve` and `work --metrics-listen` export the same names. Every name starts with
/// `mediaworker_`.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A swift-metrics factory writing into ``registry``, with buckets that suit media jobs (seconds to an hour;
    /// 1 to 500 frames per second).
    public func makeFactory() -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["mediaworker_job_duration_seconds"] = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600]
            .map { Duration.seconds($0) }
        factory.valueHistogramBuckets["mediaworker_job_fps"] = [1, 2, 5, 10, 15, 24, 30, 45, 60, 90, 120, 180, 250, 500]
        factory.nameAndLabelSanitizer = Self.httpMetricNames
        return factory
    }

    /// Bootstraps swift-metrics with ``makeFactory()``. Once per process (swift-metrics refuses a second time).
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(makeFactory())
    }

    /// Hummingbird's `MetricsMiddleware` records OpenTelemetry-style names (`hb.requests`,
    /// `http.server.request.duration`, dotted labels); Prometheus takes neither the dots nor names outside our
    /// `mediaworker_` prefix, so they are renamed here. Every other metric passes unchanged.
    ///
    /// | MetricsMiddleware | exported as |
    /// |---|---|
    /// | `hb.requests` | `mediaworker_http_requests_total{route,method,status}` |
    /// | `http.server.request.duration` | `mediaworker_http_request_duration_seconds{route,method,status}` (histogram) |
    /// | `hb.request.errors` | `mediaworker_http_request_errors_total{route,method,status}` |
    /// | `http.server.active_requests` | `mediaworker_http_active_requests{method}` |
    @Sendable static func httpMetricNames(_ name: String, _ labels: [(String, String)]) -> (String, [(String, String)]) {
        let renamed: String
        switch name {
        case "hb.requests": renamed = "mediaworker_http_requests_total"
        case "http.server.request.duration": renamed = "mediaworker_http_request_duration_seconds"
        case "hb.request.errors": renamed = "mediaworker_http_request_errors_total"
        case "http.server.active_requests": renamed = "mediaworker_http_active_requests"
        default: return (name, labels)
        }
        let labelNames = ["http.route": "route", "http.request.method": "method", "http.response.status_code": "status",
                          "error.type": "status"]
        return (renamed, labels.map { (labelNames[$0.0] ?? $0.0.replacingOccurrences(of: ".", with: "_"), $0.1) })
    }

    /// A `mediaworker_<name>` metric name with its help text.
    static func name(_ name: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mediaworker", metricName: name, unitName: unit, helpText: help)
    }

    /// Updates the queue gauges and returns the exposition text.
    func scrape(_ stats: QueueStats?) -> String {
        registry.makeGauge(descriptor: Self.name("queue_up", "1 when the last scrape could read the queue"))
            .set(stats == nil ? 0.0 : 1.0)
        if let stats {
            let jobs = Self.name("jobs", "Jobs per state")
            for state in JobState.allCases {
                registry.makeGauge(descriptor: jobs, labels: [("state", state.rawValue)]).set(Double(stats[state]))
            }
            registry.makeGauge(descriptor: Self.name("queue_depth", "Jobs still to run: queued, and failed waiting for a retry"))
                .set(Double(stats[.queued] + stats[.failed]))
            registry.makeGauge(descriptor: Self.name("queue_oldest_runnable", unit: "seconds", "Age of the longest-waiting runnable job"))
                .set(stats.oldestRunnableAge ?? 0)
        }
        return registry.emitToString()
    }
}
