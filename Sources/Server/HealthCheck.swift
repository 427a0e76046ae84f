import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `mediaworker healthcheck URL`: one HTTP GET with a deadline, so a container's `HEALTHCHECK` needs no curl or
/// wget in the image. Plain `http://` only (the check runs inside the container, against its own port).
public enum HealthCheck {
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// GETs `url`; throws when it cannot be reached or has not answered completely within `timeout`.
    public static func get(_ url: String, timeout: Duration = .seconds(5)) async throws -> Answer {
        guard let parsed = URL(string: url), parsed.scheme == "http", let host = parsed.host, !host.isEmpty else {
            throw Failure(description: "\(url): expected http://HOST[:PORT]/PATH")
        }
        let port = parsed.port ?? 80
        let path = parsed.path.isEmpty ? "/" : parsed.path + (parsed.query.map { "?" + $0 } ?? "")
        let deadline = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                              + timeout.components.attoseconds / 1_000_000_000)
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(deadline)
                .connect(host: host, port: port) { channel in
                    // The whole exchange has one deadline: the channel is closed then, which ends the read below.
                    channel.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure(description: "\(url): cannot connect: \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: parsed.port.map { "\(host):\($0)" } ?? host)
            head.headers.add(name: "User-Agent", value: "mediaworker-healthcheck")
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            var status: Int?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let response): status = Int(response.status.code)
                case .body(var bytes): if body.readableBytes < 64 << 10 { body.writeBuffer(&bytes) }
                case .end:
                    guard let status else { break }
                    return Answer(status: status, body: String(buffer: body))
                }
            }
            throw Failure(description: "\(url): no complete answer within \(timeout)")
        }
    }
}
