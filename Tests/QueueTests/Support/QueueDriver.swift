import Foundation
import Logging
import Testing
@testable import Queue

/// The drivers every contract test runs against.
enum QueueDriver: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// One test's database: a temp SQLite file, or a fresh PostgreSQL database. Opens as many queue instances on it
/// as the test wants (separate connections, as separate processes would have), and removes it afterwards.
final class QueueHarness: Sendable {
    let driver: QueueDriver
    let clock: ManualClock
    let configuration: QueueConfiguration
    private let location: Location
    private let opened = Locked<[any JobQueue]>([])

    enum Location: Sendable {
        case sqlite(directory: URL)
        case postgres(QueueURL.PostgresSettings)
    }

    static let logger: Logger = {
        var logger = Logger(label: "tests.queue")
        logger.logLevel = ProcessInfo.processInfo.environment["QUEUE_TEST_LOG"] == nil ? .critical : .debug
        return logger
    }()

    private init(driver: QueueDriver, clock: ManualClock, configuration: QueueConfiguration, location: Location) {
        self.driver = driver
        self.clock = clock
        self.configuration = configuration
        self.location = location
    }

    static func make(
        _ driver: QueueDriver, clock: ManualClock = ManualClock(), realClock: Bool = false,
        configure: (inout QueueConfiguration) -> Void = { _ in }
    ) async throws -> QueueHarness {
        var configuration = QueueConfiguration(clock: realClock ? .system : clock.queueClock)
        configure(&configuration)
        switch driver {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("mediaworker-queue-tests-\(UUID().uuidString)")
            return QueueHarness(driver: driver, clock: clock, configuration: configuration, location: .sqlite(directory: directory))
        case .postgres:
            let settings = try await PostgresTestServer.shared.createDatabase()
            return QueueHarness(driver: driver, clock: clock, configuration: configuration, location: .postgres(settings))
        }
    }

    var url: QueueURL {
        switch location {
        case .sqlite(let directory): return .sqlite(path: directory.appendingPathComponent("queue.sqlite").path)
        case .postgres(let settings): return .postgres(settings)
        }
    }

    /// Opens one more queue instance on this test's database.
    func open() async throws -> any JobQueue {
        let queue = try await QueueFactory.open(url: url, configuration: configuration, logger: Self.logger)
        opened.withLock { $0.append(queue) }
        return queue
    }

    func tearDown() async {
        for queue in opened.withLock({ $0 }) { await queue.close() }
        switch location {
        case .sqlite(let directory):
            do {
                try FileManager.default.removeItem(at: directory)
            } catch {
                Issue.record("removing \(directory.path): \(error)")
            }
        case .postgres(let settings):
            do {
                try await PostgresTestServer.shared.dropDatabase(settings.database)
            } catch {
                Issue.record("dropping \(settings.database): \(error)")
            }
        }
    }
}

/// Runs `body` with a fresh queue of `driver` and removes its database afterwards, even when `body` throws.
func withQueue(
    _ driver: QueueDriver, configure: (inout QueueConfiguration) -> Void = { _ in },
    _ body: (any JobQueue, ManualClock, QueueHarness) async throws -> Void
) async throws {
    let harness = try await QueueHarness.make(driver, configure: configure)
    do {
        let queue = try await harness.open()
        try await body(queue, harness.clock, harness)
    } catch {
        await harness.tearDown()
        throw error
    }
    await harness.tearDown()
}

/// Expects `body` to throw a ``QueueError`` with `code`.
func expectQueueError<T>(
    _ code: QueueError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected QueueError \(code), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as QueueError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected QueueError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// All contract suites hang under this one, serialized: the PostgreSQL server and the timing of the throughput
/// test are shared, and the reconnect test stops the server.
@Suite("Queue contract", .serialized)
struct QueueContract {}
