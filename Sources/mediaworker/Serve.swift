import ArgumentParser
import Foundation
import Logging
import Queue
import Server
import Worker

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the upload hook, the operators' API and dashboard, /metrics and health checks.",
        discussion: """
            Secrets come from the environment: \(ServerConfiguration.environmentHookSecret) (comma-separated \
            HMAC secrets for the upload hook's Mediaworker-Signature; several allow rotation) and \
            \(ServerConfiguration.environmentOperatorToken) (the API's bearer token and the dashboard's sign-in). \
            The queue is --queue, else \(QueueURL.environmentVariable), else sqlite:var/queue.sqlite; uploads, outputs \
            and templates follow the same rule (\(Locations.inputRootVariable), \(Locations.outputRootVariable), \
            \(Locations.jobsDirectoryVariable)), with the same defaults as `work` and `jobs`, so the two started \
            apart with no flags cooperate. \
            SIGTERM or SIGINT shuts down gracefully.
            """)

    @Option(help: "Address to listen on, HOST:PORT (IPv6: [::1]:8080; default: $\(Serve.listenVariable), else 127.0.0.1:8080).")
    var listen: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (default: $MEDIAWORKER_LOG_LEVEL, else info).")
    var logLevel: String?
    @Flag(help: "Also run the worker in this process (both shut down gracefully together on SIGTERM).") var work = false
    @Option(help: "The queue: sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $\(QueueURL.environmentVariable), else sqlite:var/queue.sqlite).")
    var queue: String?
    @Option(name: [.customLong("input-root"), .customLong("upload-root")],
            help: "Folder uploads arrive in; hook inputs must resolve inside it (default: $\(Locations.inputRootVariable), else \(Locations.defaultInputRoot)).")
    var inputRootOption: String?
    @Option(name: .customLong("output-root"),
            help: "Folder the worker publishes outputs in, <output-root>/<job id>/ (default: $\(Locations.outputRootVariable), else \(Locations.defaultOutputRoot)).")
    var outputRootOption: String?
    @Option(name: .customLong("jobs-dir"), help: "Folder of the job templates (default: $\(Locations.jobsDirectoryVariable), else the installation's jobs/, else ./jobs).")
    var jobsDirOption: String?
    @Option(help: "Template for tusd and S3 uploads, and for hook payloads that name none.") var template = "social"
    @Option(name: .customLong("hook-body-limit"), help: "Largest hook body, bytes.") var hookBodyLimit = 1 << 20
    @OptionGroup(title: "Worker (with --work)") var tuning: WorkerTuning
    @Flag(name: .customLong("secure-cookies"), help: "Mark dashboard cookies Secure (behind an HTTPS proxy).") var secureCookies = false

    /// The image sets it to 0.0.0.0:8080; outside a container the default stays on the loopback.
    static let listenVariable = "MEDIAWORKER_LISTEN"
    var listenAddress: String { listen ?? ProcessInfo.processInfo.environment[Self.listenVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1:8080" }

    func validate() throws {
        _ = try ListenAddress(parsing: listenAddress)
        _ = try LogSetup.level(logLevel)
        guard hookBodyLimit > 0 else { throw ValidationError("--hook-body-limit must be positive") }
        if let queue { _ = try QueueURL(parsing: queue) }
        if work { try tuning.check(workerConfiguration()) }
    }

    var uploadRoot: String { Locations.inputRoot(inputRootOption) }
    var outputRoot: String { Locations.outputRoot(outputRootOption) }
    var jobsDir: String { Locations.jobsDirectory(jobsDirOption) }

    /// Hook jobs name their input relative to the upload root: the worker resolves it there.
    func workerConfiguration() -> WorkerConfiguration {
        tuning.configuration(inputRoot: uploadRoot, outputRoot: outputRoot, jobsDirectory: jobsDir)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        try LogSetup.bootstrap(level: logLevel)
        let address = try ListenAddress(parsing: listenAddress)
        let logger = Logger(label: "mediaworker.serve")
        let configuration = ServerConfiguration(
            host: address.host, port: address.port, uploadRoot: uploadRoot, outputRoot: outputRoot, jobsDirectory: jobsDir,
            defaultTemplate: template, hookSecrets: ServerConfiguration.hookSecrets(fromEnvironment: environment),
            operatorToken: environment[ServerConfiguration.environmentOperatorToken] ?? "", hookBodyLimit: hookBodyLimit,
            secureCookies: secureCookies)
        do {
            try FileManager.default.createDirectory(atPath: outputRoot, withIntermediateDirectories: true)
            try configuration.validate()
        } catch {
            FileHandle.standardError.write(Data("mediaworker: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let queueURL = try queue.map(QueueURL.init(parsing:)) ?? QueueURL.fromEnvironment(environment)
        if case .sqlite(let path) = queueURL {
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        }
        let jobQueue = try await QueueFactory.open(url: queueURL, logger: logger)
        let metrics = ServerMetrics()
        metrics.bootstrapMetricsSystem()
        do {
            var application = try ServerApplication(configuration: configuration, queue: jobQueue, metrics: metrics, logger: logger)
            if work {
                // The worker runs in the same ServiceGroup: on SIGTERM both shut down gracefully together (the
                // worker stops claiming, lets attempts finish within --grace-seconds, then releases their leases).
                application.addService(try Worker(queue: jobQueue, configuration: workerConfiguration(),
                                                  logger: Logger(label: "mediaworker.worker")))
            }
            logger.info("queue \(queueURL), uploads \(uploadRoot), outputs \(outputRoot), templates \(jobsDir)")
            try await application.run()
        } catch {
            await jobQueue.close()
            throw error
        }
        await jobQueue.close()
    }
}
