import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import PostgresNIO
@testable import Queue

/// The PostgreSQL server the tests use: `MEDIAWORKER_TEST_POSTGRES_URL`, or, outside CI, a throwaway cluster
/// started once per test process with `scripts/pg-test-cluster.sh start` (reused by later runs until
/// `scripts/pg-test-cluster.sh stop`). In CI (`CI` set) the variable is required: the tests fail without it.
actor PostgresTestServer {
    static let shared = PostgresTestServer()
    static let environmentVariable = "MEDIAWORKER_TEST_POSTGRES_URL"

    struct Server: Sendable {
        var settings: QueueURL.PostgresSettings
        var maintenance: PostgresClient
        /// Started by `scripts/pg-test-cluster.sh`, so tests may stop and restart it.
        var scriptManaged: Bool
    }

    private var server: Server?
    private var failure: String?

    static var scriptPath: String {
        // Tests/QueueTests/Support/PostgresTestServer.swift → package root
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/pg-test-cluster.sh")
            .path
    }

    func get() async throws -> Server {
        if let server { return server }
        if let failure { throw TestSetupError(failure) }
        do {
            let server = try await connect()
            self.server = server
            return server
        } catch {
            failure = "\(error)"
            throw error
        }
    }

    private func connect() async throws -> Server {
        let environment = ProcessInfo.processInfo.environment
        var urlText = environment[Self.environmentVariable] ?? ""
        var scriptManaged = false
        if urlText.isEmpty {
            if let ci = environment["CI"], !ci.isEmpty {
                throw TestSetupError(
                    "\(Self.environmentVariable) is not set; in CI the PostgreSQL tests must run: "
                        + "eval \"$(scripts/pg-test-cluster.sh start)\" before swift test")
            }
            urlText = try Self.startCluster()
            scriptManaged = true
        } else {
            // A cluster this script started (e.g. by .ci/run) may be stopped and restarted by the tests.
            do {
                scriptManaged = try Self.runScript(["url"]) == urlText
            } catch {
                scriptManaged = false
            }
        }
        guard case .postgres(let settings) = try QueueURL(parsing: urlText) else {
            throw TestSetupError("\(Self.environmentVariable) must be a postgres:// URL, not \(urlText)")
        }
        let client = PostgresClient(
            configuration: PostgresJobQueue.clientConfiguration(settings, QueueConfiguration(maxConnections: 2)),
            backgroundLogger: Logger(label: "tests.pg-maintenance"))
        Task { await client.run() }
        return Server(settings: settings, maintenance: client, scriptManaged: scriptManaged)
    }

    /// Runs the script and returns the URL it exports.
    static func startCluster() throws -> String {
        let output = try runScript(["start"])
        guard let line = output.split(separator: "\n").last(where: { $0.contains("MEDIAWORKER_TEST_POSTGRES_URL=") }),
            let value = line.split(separator: "=", maxSplits: 1).last
        else {
            throw TestSetupError(
                "scripts/pg-test-cluster.sh start printed no URL (\(output)); start one yourself and set \(environmentVariable)")
        }
        return String(value)
    }

    /// Runs the script with posix_spawn and waitpid (Foundation's `Process.waitUntilExit` was seen to miss the
    /// child's exit here and hang) and returns its stdout.
    @discardableResult
    static func runScript(_ arguments: [String]) throws -> String {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TestSetupError("pipe failed: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let argv: [UnsafeMutablePointer<CChar>?] = (["/bin/bash", scriptPath] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw TestSetupError("cannot run \(scriptPath): error \(spawned)")
        }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count > 0 {
                output += buffer[0..<count]
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TestSetupError("waitpid failed: errno \(errno)") }
        }
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard exitCode == 0 else {
            throw TestSetupError("scripts/pg-test-cluster.sh \(arguments.joined(separator: " ")) exited \(exitCode)")
        }
        return text
    }

    /// A new empty database on the test server.
    func createDatabase() async throws -> QueueURL.PostgresSettings {
        let server = try await get()
        let name = "mwq_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await Self.exec(server, "CREATE DATABASE \(name)")
        return server.settings.with(database: name)
    }

    /// Through the queue's own statement path, not `PostgresClient.query`: the outage tests restart the server
    /// under this client's idle connections, and PostgresNIO's `query` can wait for ever on one that has closed.
    private static func exec(_ server: Server, _ sql: String) async throws {
        let logger = Logger(label: "tests.pg-maintenance")
        _ = try await PostgresJobQueue.withLiveConnection(server.maintenance, logger: logger) {
            try await $0.exec(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    func dropDatabase(_ name: String) async throws {
        let server = try await get()
        try await Self.exec(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
