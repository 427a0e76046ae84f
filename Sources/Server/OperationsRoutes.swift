import Foundation
import Hummingbird
import Queue

/// `/metrics`, `/healthz` (the process answers), `/readyz` (the queue answers).
struct OperationsRoutes: Sendable {
    let queue: any JobQueue
    let metrics: ServerMetrics

    func register(on router: Router<some RequestContext>) {
        router.get("/healthz") { _, _ in JSON.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            do {
                _ = try await stats()
                return JSON.response(["status": "ready"])
            } catch {
                return JSON.response(["status": "unavailable", "error": "\(error)"], status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, context in
            var stats: QueueStats?
            do {
                stats = try await self.stats()
            } catch {
                context.logger.warning("metrics: the queue did not answer: \(error)")
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.scrape(stats))))
        }
    }

    /// The queue's own limits bound this call (PostgreSQL: the operation timeout; SQLite: the busy timeout).
    func stats() async throws -> QueueStats {
        try await queue.stats()
    }
}
