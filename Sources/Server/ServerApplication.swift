import Foundation
import Hummingbird
import Logging
import NIOCore
import Queue
import ServiceLifecycle

/// `mediaworker serve`: the HTTP server (upload hook, operators' API, dashboard, metrics, health) and any other
/// services of the process, run together in one `ServiceGroup` that shuts all of them down gracefully on
/// SIGTERM or SIGINT.
///
/// The worker joins with ``addService(_:)`` (`serve --work`): services added run beside the HTTP server and
/// are shut down after it, so no new hook deliveries arrive while the worker winds down.
public struct ServerApplication: Sendable {
    public let configuration: ServerConfiguration
    public let queue: any JobQueue
    public let metrics: ServerMetrics
    public let logger: Logger
    /// Other services of the process (the worker), started before and stopped after the HTTP server.
    public private(set) var services: [any Service] = []
    private let templates: DashboardTemplates
    private let now: @Sendable () -> Date

    public init(
        configuration: ServerConfiguration, queue: any JobQueue, metrics: ServerMetrics = ServerMetrics(),
        logger: Logger = Logger(label: "mediaworker.serve"), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.queue = queue
        self.metrics = metrics
        self.logger = logger
        self.now = now
        templates = try DashboardTemplates()
    }

    /// Adds a service to run in the same group as the HTTP server (the worker, for `serve --work`).
    public mutating func addService(_ service: any Service) {
        services.append(service)
    }

    /// Every route of the server.
    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        // Requests by route, method and status, and their latency, through swift-metrics: `serve` bootstraps
        // swift-metrics with `metrics.makeFactory()`, which names them `mediaworker_http_*`.
        router.add(middleware: MetricsMiddleware())
        let outputs = JobOutputs(outputRoot: configuration.outputRoot)
        let hook = UploadHook(configuration: configuration, queue: queue, now: now)
        router.group("/hooks").add(middleware: JSONErrorMiddleware())
            .post("upload") { request, context in try await hook.handle(request, context: context) }
        OperatorAPI(queue: queue, outputs: outputs, token: configuration.operatorToken).register(on: router)
        Dashboard(
            queue: queue, outputs: outputs, operatorToken: configuration.operatorToken,
            session: DashboardSession(operatorToken: configuration.operatorToken, lifetime: configuration.sessionLifetime),
            templates: templates, refreshSeconds: configuration.refreshSeconds, secureCookies: configuration.secureCookies,
            now: now
        ).register(on: router)
        OperationsRoutes(queue: queue, metrics: metrics).register(on: router)
        return router
    }

    /// The Hummingbird application (tests drive it with HummingbirdTesting; ``run()`` serves it).
    public func makeApplication(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        httpApplication(router: buildRouter(), host: configuration.host, port: configuration.port,
                        onServerRunning: onServerRunning, logger: logger)
    }

    /// The HTTP server and the added services in one group; with `handleSignals`, SIGTERM and SIGINT shut it down
    /// gracefully: the HTTP server first, then the other services in reverse order of addition.
    public func makeServiceGroup(
        handleSignals: Bool = true, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> ServiceGroup {
        ServiceGroup(
            configuration: .init(
                services: services + [makeApplication(onServerRunning: onServerRunning)],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully (Hummingbird logs the address it listens on).
    public func run() async throws {
        try await makeServiceGroup().run()
    }
}

/// One Hummingbird application as mediaworker serves them (`serve`, and `work --metrics-listen`).
func httpApplication(
    router: Router<BasicRequestContext>, host: String, port: Int,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void, logger: Logger
) -> some ApplicationProtocol {
    Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "mediaworker"),
        onServerRunning: onServerRunning,
        logger: logger)
}
