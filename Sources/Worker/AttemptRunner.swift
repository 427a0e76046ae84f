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
    @discardableResult
    func run(_ claim: ClaimedJob) async -> AttemptOutcome {
        let id = claim.job.id
        var logger = self.logger
        logger[metadataKey: "job"] = "\(id)"
        logger[metadataKey: "attempt"] = "\(claim.token)"
        let started = ContinuousClock.now
        let outputDirectory = configuration.outputRoot + "/" + id
        StagingLeftovers.remove(job: id, outputRoot: configuration.outputRoot, logger: logger)
        logger.info("attempt started", metadata: ["output": "\(outputDirectory)"])

        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let child: ChildProcess
        do {
            let environment = AttemptEnvironment.make(from: ProcessInfo.processInfo.environment, jobID: id,
                                                      attempt: Int64(claim.token))
            let command = configuration.childCommand(outputDirectory: outputDirectory)
            child = try await ChildProcess.start(
                command: command, environment: environment, stdin: Data(claim.job.spec.utf8),
                memoryLimit: configuration.appliedMemoryLimitBytes, spawner: spawner
            ) { continuation.yield(.child($0)) }
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
        defer { ticker.cancel() }

        var childReport = ChildReport(tailLimit: configuration.logTailBytes)
        var lastProgress = ContinuousClock.now
        var lastHeartbeat = ContinuousClock.now
        var nextHeartbeat = ContinuousClock.now + .seconds(configuration.heartbeatInterval)
        var killReason: KillReason?
        var exit = ExitStatus.exited(-1)

        func kill(_ reason: KillReason, _ text: String) {
            guard killReason == nil else { return }
            killReason = reason
            childReport.append(log: text)
            logger.warning("\(text)")
            child.kill()
        }

        loop: for await event in events {
            switch event {
            case .child(.stdout(let line)):
                if childReport.read(stdoutLine: line) { lastProgress = .now }
            case .child(.stderr(let line)):
                childReport.append(log: line)
                logger.debug("child: \(line)")
            case .child(.exited(let status)):
                exit = status
                break loop
            case .tick:
                guard killReason == nil else { continue }
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
                            jobID: id, token: claim.token, progress: childReport.fraction,
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
        continuation.finish()
        // A killed child leaves its staging folder behind. Remove it only while this attempt still holds the
        // lease: once another worker has taken the job over, a staging folder beside ours may be its live one
        // (that worker's attempt removed ours when it started).
        if StagingLeftovers.exist(job: id, outputRoot: configuration.outputRoot),
           await holdsLease(claim, killReason: killReason) {
            StagingLeftovers.remove(job: id, outputRoot: configuration.outputRoot, logger: logger)
        }
        logger.debug("child ended", metadata: ["status": "\(exit)"])

        let logTail = childReport.cappedLogTail
        let fps = childReport.fps
        // A child that finished its job wins over a kill decided in the same instant.
        if case .succeeded(let result) = childReport.final, exit == .exited(0) {
            return await report(.succeeded(result: result), outcome: .succeeded, claim: claim, logTail: logTail,
                                started: started, fps: fps, logger: logger)
        }
        switch killReason {
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
        if case .failed(let error, let retryable) = childReport.final {
            let error = Self.notingMemoryLimit(error, exit: nil, logTail: logTail, limitBytes: limit)
            return await report(.failed(error: error, retryable: retryable), outcome: .failed, claim: claim,
                                logTail: logTail, started: started, fps: fps, logger: logger)
        }
        var error: String
        switch exit {
        case .signalled: error = "crashed: \(exit)"
        case .exited(let code): error = "crashed: exit status \(code) without a result"
        }
        error = Self.notingMemoryLimit(error, exit: exit, logTail: logTail, limitBytes: limit)
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
