import ArgumentParser
import Foundation
import Logging
import Queue

/// `--queue URL` (or `MEDIAWORKER_QUEUE`; default `sqlite:var/queue.sqlite`), shared by the queue commands.
struct QueueOptions: ParsableArguments {
    @Option(name: .customLong("queue"),
            help: "Queue URL: sqlite:PATH (default sqlite:var/queue.sqlite) or postgres://USER@HOST:PORT/DB; env MEDIAWORKER_QUEUE.")
    var url: String?

    func resolved() throws -> QueueURL {
        if let url { return try QueueURL(parsing: url) }
        return try QueueURL.fromEnvironment()
    }

    /// Opens the queue, runs `body`, closes the queue (also when `body` throws).
    func with<T>(logger: Logger? = nil, _ body: (any JobQueue) async throws -> T) async throws -> T {
        let logger = logger ?? {
            // Operators' commands print their answer; the queue's routine info lines would only be noise.
            var quiet = Logger(label: "mediaworker.queue")
            quiet.logLevel = .warning
            return quiet
        }()
        let queue = try await QueueFactory.open(url: resolved(), logger: logger)
        do {
            let value = try await body(queue)
            await queue.close()
            return value
        } catch {
            await queue.close()
            throw error
        }
    }
}

/// Logging for long-running commands: swift-log to stderr, `--log-level` or `MEDIAWORKER_LOG_LEVEL`.
enum LogSetup {
    static func level(_ level: String?) throws -> Logger.Level {
        let name = level ?? ProcessInfo.processInfo.environment["MEDIAWORKER_LOG_LEVEL"] ?? "info"
        guard let parsed = Logger.Level(rawValue: name) else {
            throw ValidationError("log level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }

    static func bootstrap(level: String?) throws {
        let parsed = try self.level(level)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
    }
}

/// Async versions of `Fail.reporting`: one stderr line, non-zero exit.
extension Fail {
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("mediaworker: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
