import NIOPosix

/// Runs file-system work (realpath, stat, small reads) on NIO's blocking thread pool: never on an event loop
/// nor on Swift's cooperative pool (house rule 6).
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
