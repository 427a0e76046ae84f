import CoreMetrics
import Foundation
import HummingbirdTesting
import Queue
import Server
import Testing

@Suite("Metrics and health")
struct OperationsTests {
    @Test("/metrics: queue gauges, the worker's metrics through the factory, every name prefixed mediaworker_ (HTTP metrics: StandaloneMetricsTests)")
    func metrics() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            _ = try await JobFixture.make(harness.queue, key: "d", end: .dead)
            _ = try await JobFixture.make(harness.queue, key: "q", end: .queued)
            // What the worker records through swift-metrics once `serve` has bootstrapped the factory.
            let factory = harness.metrics.makeFactory()
            Counter(label: "mediaworker_attempts_total", dimensions: [("outcome", "succeeded")], factory: factory).increment(by: 2)
            Timer(label: "mediaworker_job_duration_seconds", dimensions: [], factory: factory).recordSeconds(12.5)
            Recorder(label: "mediaworker_job_fps", dimensions: [], aggregate: true, factory: factory).record(48.0)
            Gauge(label: "mediaworker_worker_busy_slots", dimensions: [], factory: factory).record(1)
            _ = try await client.execute(uri: "/healthz", method: .get)

            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            #expect(text.contains(#"mediaworker_jobs{state="dead"} 1"#))
            #expect(text.contains(#"mediaworker_jobs{state="queued"} 1"#))
            #expect(text.contains(#"mediaworker_jobs{state="running"} 0"#))
            #expect(text.contains("mediaworker_queue_depth 1"))
            #expect(text.contains(#"mediaworker_attempts_total{outcome="succeeded"} 2"#))
            #expect(text.contains(#"mediaworker_job_duration_seconds_bucket{le="20.0"} 1"#))
            #expect(text.contains(#"mediaworker_job_fps_bucket{le="60.0"} 1"#))
            #expect(text.contains("mediaworker_worker_busy_slots 1"))
            let names = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
                .map { String($0.prefix { $0 != "{" && $0 != " " }) }
            #expect(names.count > 10)
            for name in Set(names) { #expect(name.hasPrefix("mediaworker_"), "\(name)") }
        }
    }

    @Test("/healthz answers; /readyz is 200 while the queue answers and 503 when it does not")
    func health() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(try ready.json()["status"] as? String == "ready")
            // A queue that can no longer answer (its connections closed) makes the server unready, not dead.
            await harness.queue.close()
            let down = try await client.execute(uri: "/readyz", method: .get)
            #expect(down.status == .serviceUnavailable)
            #expect(try down.json()["status"] as? String == "unavailable")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }
}
