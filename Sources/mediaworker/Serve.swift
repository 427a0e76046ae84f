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
            The queue is --queue, else \(QueueURL.environmentVariable), else sqlite:var/queue.sqlite. \
            SIGTERM or SIGINT shuts down gracefully.
            """)

    @Option(help: "Address to listen on, HOST:PORT (IPv6: [::1]:8080).") var listen = "127.0.0.1:8080"
    @Flag(help: "Also run the worker in this process (both shut down gracefully together on SIGTERM).") var work = false
    @Option(help: "The queue: sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $\(QueueURL.environmentVariable), else sqlite:var/queue.sqlite).")
    var queue: String?
    @Option(name: .customLong("upload-root"), help: "Folder uploads arrive in; hook inputs must resolve inside it.") var uploadRoot = "var/uploads"
    @Option(name: .customLong("output-root"), help: "Folder the worker publishes outputs in (<output-root>/<job id>/).") var outputRoot = "var/outputs"
    @Option(name: .customLong("jobs-dir"), help: "Folder of the job templates.") var jobsDir = "jobs"
    @Option(help: "Template for tusd and S3 uploads, and for hook payloads that name none.") var template = "social"
    @Option(name: .customLong("hook-body-limit"), help: "Largest hook body, bytes.") var hookBodyLimit = 1 << 20
    @OptionGroup(title: "Worker (with --work)") var tuning: WorkerTuning
    @Flag(name: .customLong("secure-cookies"), help: "Mark dashboard cookies Secure (behind an HTTPS proxy).") var secureCookies = false

    func validate() throws {
        _ = try ListenAddress(parsing: listen)
        guard hookBodyLimit > 0 else { throw ValidationError("--hook-body-limit must be positive") }
        if let queue { _ = try QueueURL(parsing: queue) }
        if work { try tuning.check(workerConfiguration()) }
    }

    /// Hook jobs name their input relative to the upload root: the worker resolves it there.
    func workerConfiguration() -> WorkerConfiguration {
        tuning.configuration(inputRoot: uploadRoot, outputRoot: outputRoot, jobsDirectory: jobsDir)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let address = try ListenAddress(parsing: listen)
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
            logger.info("queue \(queueURL), uploads \(uploadRoot), outputs \(outputRoot)")
            try await application.run()
        } catch {
            await jobQueue.close()
            throw error
        }
        await jobQueue.close()
    }
}
