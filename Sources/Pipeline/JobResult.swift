import Crypto
import Foundation
import Media

/// `result.json`: every output with its checksum, and the time each stage took.
public struct JobResult: Codable, Sendable {
    public struct Output: Codable, Sendable {
        public var kind: String
        public var name: String
        public var path: String
        public var sha256: String
        public var bytes: Int
        public var codec: String?
        public var width: Int?
        public var height: Int?
        public var duration: Double?
        public var bitrate: Int64?
        public var time: Double?
        /// A video output's check against the platform its rendition names (absent when it names none).
        public var platform: PlatformFinding?

        static func file(kind: String, name: String, path: String, base: String) throws -> Output {
            // Hash in 1 MiB chunks: memory must not grow with the output's size.
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            var hasher = SHA256()
            var bytes = 0
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                bytes += chunk.count
            }
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            let relative = path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
            return Output(kind: kind, name: name, path: relative, sha256: digest, bytes: bytes)
        }

        static func video(name: String, path: String, base: String) throws -> Output {
            var o = try file(kind: "video", name: name, path: path, base: base)
            let info = try InputContainer(path: path).info()
            o.codec = info.video?.codec
            o.width = info.video?.width
            o.height = info.video?.height
            o.duration = info.duration.map { ($0 * 1000).rounded() / 1000 }
            o.bitrate = info.bitRate
            return o
        }
    }

    public var input: String
    public var outputs: [Output]
    public var timings: [String: Double]

    public init(input: String, outputs: [Output], timings: [String: Double]) {
        self.input = input
        self.outputs = outputs
        self.timings = timings
    }

    /// The outputs whose platform check found broken rules.
    public var platformFindings: [Output] { outputs.filter { $0.platform?.ok == false } }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
