import Foundation
import HummingbirdTesting
import Server
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Observability from every process (issue 14): the HTTP metrics of Hummingbird's MetricsMiddleware under our
/// names, `work --metrics-listen` on its own, `mediaworker healthcheck`, `mediaworker --version`.
@Suite("Metrics and health from every process")
struct StandaloneMetricsTests {
    @Test("MetricsMiddleware's requests and latency are exported as mediaworker_http_* by route, method and status; unknown paths share one label")
    func httpMetrics() async throws {
        let harness = try await ServerHarness.make(metrics: GlobalMetrics.shared)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        try await harness.withRouter { client in
            let unknown = "no-such-route-\(UUID().uuidString)"
            _ = try await client.execute(uri: "/healthz", method: .get)
            _ = try await client.api(harness, .get, "/api/jobs/\(String(repeating: "0", count: 26))")
            _ = try await client.execute(uri: "/\(unknown)", method: .get)
            let text = try await client.execute(uri: "/metrics", method: .get).text
            #expect(text.contains(#"mediaworker_http_requests_total{route="/healthz",method="GET",status="200"}"#), "\(text)")
            #expect(text.contains(#"mediaworker_http_requests_total{route="/api/jobs/{id}",method="GET",status="404"}"#))
            #expect(text.contains(#"mediaworker_http_request_duration_seconds_bucket{route="/healthz",method="GET",status="200",le="0.005"}"#))
            #expect(text.contains(#"mediaworker_http_request_errors_total{route="NotFound",method="GET",status="404"}"#))
            #expect(!text.contains(unknown), "a path that matched no route must not become a label")
            #expect(!text.contains("hb_") && !text.contains("http_server_"))
        }
    }

    @Test("work --metrics-listen serves /metrics, /healthz and /readyz with serve's names; healthcheck exits 0 or 1; SIGTERM ends it")
    func standaloneWorker() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mediaworker-metrics-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for folder in ["uploads", "outputs"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(folder)", withIntermediateDirectories: true)
        }
        let port = try Self.freePort()
        let base = "http://127.0.0.1:\(port)"
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: TestSupport.mediaworker)
        worker.arguments = ["work", "--metrics-listen", "127.0.0.1:\(port)", "--queue", "sqlite:\(dir)/queue.sqlite",
                            "--input-root", "\(dir)/uploads", "--output-root", "\(dir)/outputs",
                            "--jobs-dir", TestSupport.repoRoot.appendingPathComponent("jobs").path, "--log-level", "warning"]
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGKILL) } }

        let up = try await TestSupport.eventually(within: 60) {
            (try? await HealthCheck.get(base + "/healthz", timeout: .seconds(2)))?.status == 200
        }
        #expect(up, "work --metrics-listen did not answer /healthz")
        #expect(try await HealthCheck.get(base + "/readyz").status == 200)
        let metrics = try await HealthCheck.get(base + "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("mediaworker_queue_up 1"), "\(metrics.body)")
        #expect(metrics.body.contains(#"mediaworker_jobs{state="queued"} 0"#))
        #expect(metrics.body.contains("mediaworker_worker_busy_slots 0"))
        #expect(metrics.body.contains(#"mediaworker_http_requests_total{route="/healthz",method="GET",status="200"}"#))
        let names = Set(metrics.body.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { String($0.prefix { $0 != "{" && $0 != " " }) })
        for name in names { #expect(name.hasPrefix("mediaworker_"), "\(name)") }

        let healthy = try TestSupport.run(TestSupport.mediaworker, ["healthcheck", base + "/healthz"])
        #expect(healthy.status == 0, "\(healthy.stderr)")
        let missing = try TestSupport.run(TestSupport.mediaworker, ["healthcheck", base + "/no-such-page"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("answered 404"), "\(missing.stderr)")
        let closed = try TestSupport.run(TestSupport.mediaworker, ["healthcheck", "--timeout", "2", "http://127.0.0.1:\(try Self.freePort())/healthz"])
        #expect(closed.status == 1)
        #expect(closed.stderr.contains("cannot connect"), "\(closed.stderr)")

        kill(worker.processIdentifier, SIGTERM)
        let ended = try await TestSupport.eventually(within: 15) { !worker.isRunning }
        #expect(ended, "work did not end within 15 s of SIGTERM")
        if ended { #expect(worker.terminationStatus == 0) }
    }

    @Test("mediaworker --version prints the git describe scripts/stamp-version.sh baked in")
    func version() throws {
        let result = try TestSupport.run(TestSupport.mediaworker, ["--version"])
        #expect(result.status == 0)
        let printed = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let header = TestSupport.repoRoot.appendingPathComponent("Sources/CBuildInfo/generated/build_version.h").path
        if let stamped = try? String(contentsOfFile: header, encoding: .utf8),
           let line = stamped.split(separator: "\n").first(where: { $0.hasPrefix("#define MW_BUILD_VERSION") }) {
            #expect(line == "#define MW_BUILD_VERSION \"\(printed)\"", "printed \(printed), stamped \(line)")
            #expect(!printed.isEmpty && !printed.hasPrefix("unknown"))
        } else {
            #expect(printed == "unknown (built without scripts/stamp-version.sh)")
        }
    }

    /// A port nothing listens on now (bound to port 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
