import Hummingbird
import Logging
import NIOCore
import Queue

/// `mediaworker work --metrics-listen HOST:PORT`: the operations routes of a worker started on its own —
/// `/metrics`, `/healthz`, `/readyz` — the same code and names as in `serve` (``OperationsRoutes``, the HTTP
/// metrics of Hummingbird's `MetricsMiddleware`), so a Prometheus scraping every machine of a PostgreSQL setup
/// sees each worker's attempts, durations and busy slots. No hook, API or dashboard: nothing here needs a secret.
public struct MetricsServer: Sendable {
    public let host: String
    public let port: Int
    public let queue: any JobQueue
    public let metrics: ServerMetrics
    public let logger: Logger

    public init(host: String, port: Int, queue: any JobQueue, metrics: ServerMetrics, logger: Logger) {
        self.host = host
        self.port = port
        self.queue = queue
        self.metrics = metrics
        self.logger = logger
    }

    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: MetricsMiddleware())
        OperationsRoutes(queue: queue, metrics: metrics).register(on: router)
        return router
    }

    /// A service for the worker's `ServiceGroup` (it logs the address it listens on).
    public func makeApplication(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        httpApplication(router: buildRouter(), host: host, port: port, onServerRunning: onServerRunning, logger: logger)
    }
}
