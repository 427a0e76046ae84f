import Foundation
import Logging
import Queue
import ServiceLifecycle

/// The daemon: claims jobs while it has free slots, runs each attempt in a child process (``AttemptRunner``),
/// and on a graceful shutdown (SIGTERM/SIGINT through swift-service-lifecycle) stops claiming, gives running
/// attempts the grace period, then stops them and releases their leases.
public final class Worker: Service, Sendable {
    private let queue: any JobQueue
    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let shutdown = ShutdownState()
    private let metrics = WorkerMetrics()
    private let outcomes: (@Sendable (ClaimedJob, AttemptOutcome) -> Void)?

    /// `onAttemptEnd` is called after each attempt has been recorded (for the CLI's summary).
    public init(queue: any JobQueue, configuration: WorkerConfiguration, logger: Logger = Logger(label: "mediaworker.worker"),
                onAttemptEnd: (@Sendable (ClaimedJob, AttemptOutcome) -> Void)? = nil) throws {
        try configuration.validate()
        self.queue = queue
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
        self.outcomes = onAttemptEnd
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: configuration.outputRoot, withIntermediateDirectories: true)
        await withGracefulShutdownHandler {
            await loop()
        } onGracefulShutdown: { [shutdown, configuration, logger] in
            logger.notice("shutting down: no more claims; running attempts have \(AttemptRunner.seconds(configuration.graceSeconds)) s")
            shutdown.request(grace: configuration.graceSeconds)
        }
    }

    /// Stops claiming and gives running attempts the grace period (what SIGTERM does).
    public func requestShutdown() {
        shutdown.request(grace: configuration.graceSeconds)
    }

    private enum Done: Sendable {
        case attempt
        case woke
    }

    private func loop() async {
        let spawner = Spawner()
        defer { spawner.stop() }
        let runner = AttemptRunner(queue: queue, configuration: configuration, spawner: spawner, shutdown: shutdown,
                                   logger: logger, metrics: metrics)
        if let sanitizer = WorkerConfiguration.sanitizer, configuration.memoryLimitBytes > 0 {
            logger.warning("""
                built with the \(sanitizer) sanitizer, which reserves terabytes of address space: the attempts \
                run without their memory limit (RLIMIT_AS)
                """)
        }
        logger.info("worker started", metadata: [
            "concurrency": "\(configuration.concurrency)", "drain": "\(configuration.drain)",
            "output_root": "\(configuration.outputRoot)",
        ])
        await withTaskGroup(of: Done.self) { group in
            var running = 0
            var waiting = false
            func finished(_ done: Done?) {
                switch done {
                case .attempt: running -= 1; metrics.busySlots.record(running)
                case .woke: waiting = false
                case nil: break
                }
            }
            while !shutdown.isRequested {
                if running < configuration.concurrency {
                    let claim: ClaimedJob?
                    do {
                        claim = try await queue.claim(workerID: configuration.workerID, leaseSeconds: configuration.leaseSeconds)
                    } catch {
                        // The queue is unreachable (a restarting server): try again after the poll interval.
                        logger.error("claim failed: \(error)")
                        try? await Task.sleep(for: .milliseconds(Int64(configuration.pollSeconds * 1000)))
                        continue
                    }
                    if let claim, !shutdown.isRequested {
                        running += 1
                        metrics.busySlots.record(running)
                        group.addTask { [outcomes] in
                            let outcome = await runner.run(claim)
                            outcomes?(claim, outcome)
                            return .attempt
                        }
                        continue
                    } else if let claim {
                        // Shutdown began while claiming: give the job straight back.
                        try? await queue.releaseLease(jobID: claim.job.id, token: claim.token)
                        break
                    }
                    if configuration.drain && running == 0 { break }
                }
                // Busy, or nothing runnable: wait for an attempt to end or for work to arrive (or the poll interval).
                if !waiting && running < configuration.concurrency && !configuration.drain {
                    waiting = true
                    group.addTask { [queue, configuration] in
                        _ = await queue.waitForWork(timeout: .milliseconds(Int64(configuration.pollSeconds * 1000)))
                        return .woke
                    }
                }
                if running == 0 && !waiting { continue }
                finished(await group.next())
            }
            // Shutdown or drained: wait for the running attempts (they stop themselves when the grace period ends).
            while running > 0 { finished(await group.next()) }
            group.cancelAll()
        }
        logger.info("worker stopped")
    }
}
