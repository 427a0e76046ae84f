import Foundation
import NIOCore
import Server
import ServiceLifecycle
import Testing

/// Records what a service saw.
actor EventLog {
    private(set) var events: [String] = []
    func add(_ event: String) { events.append(event) }
}

/// Stands where the worker will (`serve --work`): runs until the group shuts down gracefully.
struct RecordingService: Service {
    let log: EventLog

    func run() async throws {
        await log.add("started")
        try await gracefulShutdown()
        await log.add("shut down gracefully")
    }
}

@Suite("Service group")
struct ServiceGroupTests {
    @Test("an added service runs beside the HTTP server and both stop on a graceful shutdown")
    func addedServiceShutsDownWithServer() async throws {
        let harness = try await ServerHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        var application = try ServerApplication(configuration: harness.configuration, queue: harness.queue)
        let log = EventLog()
        application.addService(RecordingService(log: log))
        #expect(application.services.count == 1)

        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = application.makeServiceGroup(handleSignals: false) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        #expect(port > 0)
        #expect(await log.events == ["started"])

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(await log.events == ["started", "shut down gracefully"])
        await harness.queue.close()
    }
}
