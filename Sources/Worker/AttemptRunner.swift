import Foundation
import Logging
import Job
import Queue

/// Runs one claimed job in a child process and reports how it ended to the queue.
///
/// The attempt's events (the child's lines, its exit, a half-second tick) arrive on one stream; the tick
/// drives heartbeats (carrying progress), the wall-clock timeout, the no-progress stall timeout, the grace
/// period of a shutdown, and cancellation seen on a heartbeat. Any of those kills the child's process group.
struct AttemptRunner: Sendable {
    let queue: any JobQueue
    let configuration: WorkerConfiguration
    let spawner: Spawner
    let shutdown: ShutdownState
    let logger: Logger
    let metrics: WorkerMetrics

    private enum Event: Sendable {
        case child(ChildEvent)
        case tick
    }

    enum KillReason: Sendable, Equatable {
        case timedOut, stalled, cancelled, released, lostLease, leaseExpired
    }

    /// Runs the attempt to its end; never throws (queue errors are logged: the lease then expires and the job is rescued).
    /// Steps: start the child, supervise it until it exits, clean up what a killed child left, settle the outcome.
    @discardableResult
    func run(_ claim: ClaimedJob) async -> AttemptOutcome {
        let id = claim.job.id
        var logger = self.logger
        logger[metadataKey: "job"] = "\(id)"
        logger[metadataKey: "attempt"] = "\(claim.token)"
        let started = ContinuousClock.now
        StagingLeftovers.remove(job: id, outputRoot: configuration.outputRoot, logger: logger)
        logger.info("attempt started", metadata: ["output": "\(configuration.outputRoot + "/" + id)"])

        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let child: ChildProcess
        do {
            child = try await start(claim) { continuation.yield(.child($0)) }
        } catch {
            logger.error("attempt could not start: \(error)")
            return await report(.failed(error: "\(error)", retryable: true), outcome: .crashed, claim: claim,
                                logTail: nil, started: started, fps: nil, logger: logger)
        }
        logger.debug("child started", metadata: ["pid": "\(child.pid)"])
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                continuation.yield(.tick)
            }
        }
        let supervision = await supervise(child, claim: claim, events: events, started: started, logger: logger)
        ticker.cancel()
        continuation.finish()
        await removeStaging(claim, killReason: supervision.killReason, logger: logger)
        logger.debug("child ended", metadata: ["status": "\(supervision.exit)"])
        return await settle(supervision, claim: claim, started: started, logger: logger)
    }

    /// What supervising the child learned: its report (progress, final event, log tail), why it was killed
    /// (if it was), and how it exited.
    struct Supervision {
        var childReport: ChildReport
        var killReason: KillReason?
        var exit = ExitStatus.exited(-1)
    }

    /// Step 1: the child process, with the job's spec on its stdin and a scrubbed environment.
    private func start(_ claim: ClaimedJob, events: @escaping @Sendable (ChildEvent) -> Void) async throws -> ChildProcess {
        let environment = AttemptEnvironment.make(from: ProcessInfo.processInfo.environment, jobID: claim.job.id,
                                                  attempt: Int64(claim.token))
        let command = configuration.childCommand(outputDirectory: configuration.outputRoot + "/" + claim.job.id)
        return try await ChildProcess.start(
            command: command, environment: environment, stdin: Data(claim.job.spec.utf8),
            memoryLimit: configuration.appliedMemoryLimitBytes, spawner: spawner, onEvent: events)
    }

    /// Step 2: reads the child's lines until it exits. The tick drives heartbeats (carrying progress), the
    /// wall-clock timeout, the no-progress stall timeout, the grace period of a shutdown, and cancellation seen
    /// on a heartbeat; any of those kills the child's process group.
    private func supervise(_ child: ChildProcess, claim: ClaimedJob, events: AsyncStream<Event>,
                           started: ContinuousClock.Instant, logger: Logger) async -> Supervision {
        let id = claim.job.id
        var s = Supervision(childReport: ChildReport(tailLimit: configuration.logTailBytes))
        var lastProgress = ContinuousClock.now
        var lastHeartbeat = ContinuousClock.now
        var nextHeartbeat = ContinuousClock.now + .seconds(configuration.heartbeatInterval)

        func kill(_ reason: KillReason, _ text: String) {
            guard s.killReason == nil else { return }
            s.killReason = reason
            s.childReport.append(log: text)
            logger.warning("\(text)")
            child.kill()
        }

        loop: for await event in events {
            switch event {
            case .child(.stdout(let line)):
                if s.childReport.read(stdoutLine: line) { lastProgress = .now }
            case .child(.stderr(let line)):
                s.childReport.append(log: line)
                logger.debug("child: \(line)")
            case .child(.exited(let status)):
                s.exit = status
                break loop
            case .tick:
                guard s.killReason == nil else { continue }
                let now = ContinuousClock.now
                if now - started > .seconds(configuration.timeoutSeconds) {
                    kill(.timedOut, "killed: timeout after \(Self.seconds(configuration.timeoutSeconds)) s")
                } else if now - lastProgress > .seconds(configuration.stallSeconds) {
                    kill(.stalled, "killed: no progress for \(Self.seconds(configuration.stallSeconds)) s")
                } else if shutdown.graceExpired {
                    kill(.released, "stopped: worker shutting down (grace period over); lease released")
                } else if now >= nextHeartbeat {
                    nextHeartbeat = now + .seconds(configuration.heartbeatInterval)
                    do {
                        let signal = try await queue.heartbeat(
                            jobID: id, token: claim.token, progress: s.childReport.fraction,
                            leaseSeconds: configuration.leaseSeconds)
                        lastHeartbeat = .now
                        if signal == .cancelRequested { kill(.cancelled, "killed: cancelled by an operator") }
                    } catch let error as QueueError where error.code == .staleToken {
                        kill(.lostLease, "killed: lease lost (the job was taken over by another attempt)")
                    } catch {
                        logger.warning("heartbeat failed: \(error)")
                        if ContinuousClock.now - lastHeartbeat > .seconds(configuration.leaseSeconds) {
                            kill(.leaseExpired, "killed: lease expired while the queue was unreachable")
                        }
                    }
                }
            }
        }
        return s
    }

    /// Step 3: a killed child leaves its staging folder behind. Remove it only while this attempt still holds
    /// the lease: once another worker has taken the job over, a staging folder beside ours may be its live one
    /// (that worker's attempt removed ours when it started).
    private func removeStaging(_ claim: ClaimedJob, killReason: KillReason?, logger: Logger) async {
        let id = claim.job.id
        if StagingLeftovers.exist(job: id, outputRoot: configuration.outputRoot),
           await holdsLease(claim, killReason: killReason) {
            StagingLeftovers.remove(job: id, outputRoot: configuration.outputRoot, logger: logger)
        }
    }

    /// Step 4: the outcome, recorded in the queue. A child that finished its job wins over a kill decided in
    /// the same instant; then the kill's reason; then the child's own failure; else it crashed.
    private func settle(_ s: Supervision, claim: ClaimedJob, started: ContinuousClock.Instant, logger: Logger) async -> AttemptOutcome {
        let id = claim.job.id
        let logTail = s.childReport.cappedLogTail
        let fps = s.childReport.fps
        if case .succeeded(let result) = s.childReport.final, s.exit == .exited(0) {
            return await report(.succeeded(result: result), outcome: .succeeded, claim: claim, logTail: logTail,
                                started: started, fps: fps, logger: logger)
        }
        switch s.killReason {
        case .timedOut:
            return await report(.failed(error: "killed: timeout after \(Self.seconds(configuration.timeoutSeconds)) s", retryable: true),
                                outcome: .timedOut, claim: claim, logTail: logTail, started: started, fps: fps, logger: logger)
        case .stalled:
            return await report(.failed(error: "killed: no progress for \(Self.seconds(configuration.stallSeconds)) s", retryable: true),
                                outcome: .stalled, claim: claim, logTail: logTail, started: started, fps: fps, logger: logger)
        case .cancelled:
            return await report(.failed(error: "cancelled by an operator", retryable: false),
                                outcome: .cancelled, claim: claim, logTail: logTail, started: started, fps: fps, logger: logger)
        case .released:
            do {
                try await queue.releaseLease(jobID: id, token: claim.token)
                logger.info("lease released")
            } catch {
                logger.error("could not release the lease (it will expire): \(error)")
            }
            metrics.attemptEnded(outcome: .released, seconds: Self.elapsed(since: started), fps: fps)
            return .released
        case .lostLease, .leaseExpired:
            metrics.attemptEnded(outcome: .lostLease, seconds: Self.elapsed(since: started), fps: fps)
            return .lostLease
        case nil:
            break
        }
        let limit = configuration.appliedMemoryLimitBytes
        if case .failed(let error, let retryable) = s.childReport.final {
            let error = Self.notingMemoryLimit(error, exit: nil, logTail: logTail, limitBytes: limit)
            return await report(.failed(error: error, retryable: retryable), outcome: .failed, claim: claim,
                                logTail: logTail, started: started, fps: fps, logger: logger)
        }
        var error: String
        switch s.exit {
        case .signalled: error = "crashed: \(s.exit)"
        case .exited(let code): error = "crashed: exit status \(code) without a result"
        }
        error = Self.notingMemoryLimit(error, exit: s.exit, logTail: logTail, limitBytes: limit)
        return await report(.failed(error: error, retryable: true), outcome: .crashed, claim: claim, logTail: logTail,
                            started: started, fps: fps, logger: logger)
    }

    /// The child runs under `RLIMIT_AS` (`--memory-limit-mb`); when it reaches it, what it says is a library's
    /// allocation failure ("Cannot allocate memory", x264's "Generic error in an external library", the Swift
    /// runtime's "Could not allocate memory" before it traps) or a loader error (exit 127) — none of which
    /// names the limit. A failure that looks like that gets the limit named, so an operator knows which knob to
    /// look at. A bare crash (a signal, nothing about memory in its log) is left as it is.
    static func notingMemoryLimit(_ error: String, exit: ExitStatus?, logTail: String?, limitBytes: Int64) -> String {
        guard limitBytes > 0 else { return error }
        let text = (error + "\n" + (logTail ?? "")).lowercased()
        let words = ["cannot allocate memory", "out of memory", "failed to allocate", "could not allocate",
                     "generic error in an external library", "cannot start thread"]
        let suspect = words.contains { text.contains($0) } || exit == .exited(127)
        guard suspect else { return error }
        return error + " (the attempt may have reached its memory limit: \(limitBytes >> 20) MiB of address space, --memory-limit-mb)"
    }

    /// Whether the claim is still current: renews the lease (so it cannot expire while we clean up) unless
    /// the attempt already knows it lost it.
    private func holdsLease(_ claim: ClaimedJob, killReason: KillReason?) async -> Bool {
        if killReason == .lostLease || killReason == .leaseExpired { return false }
        do {
            _ = try await queue.heartbeat(jobID: claim.job.id, token: claim.token, progress: nil,
                                          leaseSeconds: configuration.leaseSeconds)
            return true
        } catch {
            return false
        }
    }

    private func report(
        _ final: ChildReport.Final, outcome: AttemptOutcome, claim: ClaimedJob, logTail: String?,
        started: ContinuousClock.Instant, fps: Double?, logger: Logger
    ) async -> AttemptOutcome {
        let id = claim.job.id
        let seconds = Self.elapsed(since: started)
        do {
            switch final {
            case .succeeded(let result):
                try await queue.complete(jobID: id, token: claim.token, result: result)
                logger.info("attempt succeeded", metadata: ["seconds": "\(Self.seconds(seconds))"])
            case .failed(let error, let retryable):
                let state = try await queue.fail(
                    jobID: id, token: claim.token,
                    failure: AttemptFailure(error: error, logTail: logTail, outcome: outcome, retryable: retryable))
                logger.notice("attempt \(outcome.rawValue): \(error)", metadata: ["state": "\(state.rawValue)"])
            }
        } catch let error as QueueError where error.code == .staleToken {
            logger.warning("attempt ended after its lease was lost; the newer attempt's record stands")
            metrics.attemptEnded(outcome: .lostLease, seconds: seconds, fps: fps)
            return .lostLease
        } catch {
            logger.error("could not record the attempt's end (the lease will expire and the job run again): \(error)")
        }
        metrics.attemptEnded(outcome: outcome, seconds: seconds, fps: fps)
        return outcome
    }

    static func elapsed(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// What a killed attempt leaves beside the job's output folder: the publisher's staging folders (``StagingNames``), never
/// visible under the job's final name; removed before and after every attempt.
enum StagingLeftovers {
    static func exist(job id: String, outputRoot: String) -> Bool {
        !StagingNames.leftovers(finalPath: outputRoot + "/" + id).isEmpty
    }

    static func remove(job id: String, outputRoot: String, logger: Logger) {
        for path in StagingNames.leftovers(finalPath: outputRoot + "/" + id) {
            do {
                try FileManager.default.removeItem(atPath: path)
                logger.info("removed a dead attempt's staging folder", metadata: ["path": "\(path)"])
            } catch {
                logger.warning("cannot remove \(path): \(error)")
            }
        }
    }
}
