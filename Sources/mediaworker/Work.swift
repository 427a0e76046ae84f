import ArgumentParser
import Foundation
import Logging
import Queue
import Server
import ServiceLifecycle
import Worker

struct Work: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Claim and run queued jobs, each attempt in a child process; outputs of job ID go to <output-root>/<ID>/.")

    @OptionGroup var queue: QueueOptions
    @OptionGroup var tuning: WorkerTuning
    @Flag(help: "Exit once no job is runnable (and print each attempt's outcome).") var drain = false
    @Option(name: .customLong("input-root"), help: "Folder job inputs resolve in (default: $\(Locations.inputRootVariable), else \(Locations.defaultInputRoot)).")
    var inputRootOption: String?
    @Option(name: .customLong("output-root"), help: "Folder job outputs go to (default: $\(Locations.outputRootVariable), else \(Locations.defaultOutputRoot)).")
    var outputRootOption: String?
    @Option(name: .customLong("jobs-dir"), help: "Folder of the job templates (default: $\(Locations.jobsDirectoryVariable), else the installation's jobs/, else ./jobs).")
    var jobsDirOption: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.") var logLevel: String?
    @Option(name: .customLong("metrics-listen"),
            help: "Also serve /metrics, /healthz and /readyz on HOST:PORT (the same names as serve's), for Prometheus and health checks.")
    var metricsListen: String?

    var inputRoot: String { Locations.inputRoot(inputRootOption) }
    var outputRoot: String { Locations.outputRoot(outputRootOption) }
    var jobsDir: String { Locations.jobsDirectory(jobsDirOption) }

    func validate() throws {
        if let metricsListen { _ = try ListenAddress(parsing: metricsListen) }
        try tuning.check(tuning.configuration(inputRoot: inputRoot, outputRoot: outputRoot, jobsDirectory: jobsDir))
    }

    func run() async throws {
        try LogSetup.bootstrap(level: logLevel)
        let logger = Logger(label: "mediaworker.worker")
        var config = tuning.configuration(inputRoot: inputRoot, outputRoot: outputRoot, jobsDirectory: jobsDir)
        config.drain = drain
        let drain = drain, outputRoot = outputRoot
        try await Fail.reporting {
            try await queue.with(logger: Logger(label: "mediaworker.queue")) { jobs in
                // The metrics server comes first: a group shuts down in reverse order, so it answers while the
                // worker winds down, and stops after it.
                var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
                // swift-metrics is bootstrapped before the worker exists: its gauges bind to the backend when made.
                if let server = try metricsServer(queue: jobs) {
                    services.append(.init(service: server.makeApplication()))
                }
                let worker = try Worker(queue: jobs, configuration: config, logger: logger) { claim, outcome in
                    guard drain else { return }
                    let line = "\(claim.job.id) attempt \(claim.token): \(outcome.rawValue)"
                        + (outcome == .succeeded ? " → \(outputRoot)/\(claim.job.id)/" : "")
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
                services.append(.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup))
                let group = ServiceGroup(configuration: .init(
                    services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            }
        }
    }
}

extension Work {
    /// With `--metrics-listen`: bootstraps swift-metrics into a Prometheus registry and returns the server of
    /// `/metrics`, `/healthz` and `/readyz` (the same routes and names as `serve`).
    func metricsServer(queue: any JobQueue) throws -> MetricsServer? {
        guard let metricsListen else { return nil }
        let address = try ListenAddress(parsing: metricsListen)
        let metrics = ServerMetrics()
        metrics.bootstrapMetricsSystem()
        return MetricsServer(host: address.host, port: address.port, queue: queue, metrics: metrics,
                             logger: Logger(label: "mediaworker.metrics"))
    }
}

/// The worker's knobs, shared by `work` and `serve --work`.
struct WorkerTuning: ParsableArguments {
    @Option(help: "Attempts run at once.") var concurrency = 1
    @Option(name: .customLong("lease-seconds"), help: "Lease length; renewed by heartbeats (with progress) every third of it, at most 5 s apart.") var leaseSeconds = 60.0
    @Option(name: .customLong("stall-seconds"), help: "Kill an attempt whose progress has not moved for this long.") var stallSeconds = 120.0
    @Option(name: .customLong("timeout-seconds"), help: "Kill an attempt running longer than this (also its input deadline).")
    var timeoutSeconds = WorkerConfiguration.defaultTimeoutSeconds
    @Option(name: .customLong("grace-seconds"), help: "On SIGTERM/SIGINT, how long running attempts may finish.") var graceSeconds = 30.0
    @Option(name: .customLong("memory-limit-mb"), help: "Address-space limit of each attempt (RLIMIT_AS), MiB; 0: none (a sanitized build applies none).") var memoryLimitMB = 8192
    @Option(help: "Threads per attempt (0: all cores).") var threads = 0

    func configuration(inputRoot: String, outputRoot: String, jobsDirectory: String) -> WorkerConfiguration {
        WorkerConfiguration(
            concurrency: concurrency, leaseSeconds: leaseSeconds, stallSeconds: stallSeconds, timeoutSeconds: timeoutSeconds,
            graceSeconds: graceSeconds, memoryLimitBytes: Int64(memoryLimitMB) << 20, inputRoot: inputRoot,
            outputRoot: outputRoot, jobsDirectory: jobsDirectory, threadsPerAttempt: threads)
    }

    func check(_ configuration: WorkerConfiguration) throws {
        do { try configuration.validate() } catch { throw ValidationError("\(error)") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
    }
}
