import Crypto
import Foundation
import Job
import Media

/// An output's entry in `result.json`, from the published file itself: its checksum (streamed), and for a
/// video the facts probed from it.
extension JobResult.Output {
    public static func file(kind: String, name: String, path: String, base: String) throws -> JobResult.Output {
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
        return JobResult.Output(kind: kind, name: name, path: relative, sha256: digest, bytes: bytes)
    }

    public static func video(name: String, path: String, base: String) throws -> JobResult.Output {
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
