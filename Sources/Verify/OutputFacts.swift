#if canImport(Glibc)
import Job
import Glibc
#endif
import Media

/// Everything verification and the platform checks read from one output file: the probe, the container's
/// kind (MP4 and MOV share a demuxer, so the `ftyp` brand tells them apart), and a scan of every packet.
public struct OutputFacts: Sendable {
    public var path: String
    public var fileBytes: Int64
    public var info: MediaInfo
    /// `mp4`, `mov`, `webm`, `matroska`, or the demuxer's first name for anything else.
    public var containerKind: String
    public var scan: PacketScan

    public var video: StreamInfo? { info.video }
    public var audio: StreamInfo? { info.audio }

    public static func read(path: String, policy: InputPolicy = .default) throws -> OutputFacts {
        let input = try InputContainer(path: path, policy: policy)
        let info = input.info()
        let scan = try PacketScan.read(input)
        var st = stat()
        guard stat(path, &st) == 0 else { throw VerifyError.measurement(path, "stat: \(String(cString: strerror(errno)))") }
        return OutputFacts(path: path, fileBytes: Int64(st.st_size), info: info,
                           containerKind: containerKind(info: info, path: path), scan: scan)
    }

    /// Frames per second: the stream's average rate, else FFmpeg's guess.
    public var frameRate: Double? {
        if let r = video?.averageFrameRate, r.isValid { return r.double }
        if let r = video?.frameRate, r.isValid { return r.double }
        return nil
    }

    /// The upright size a player shows (sample aspect and rotation applied).
    public var displaySize: (width: Int, height: Int)? { video?.displaySize }

    /// Duration, seconds: the container's, else the video's from its packets.
    public var duration: Double { info.duration ?? scan.videoDuration }

    static func containerKind(info: MediaInfo, path: String) -> String {
        let names = info.container.split(separator: ",").map(String.init)
        if names.contains("mp4") || names.contains("mov") {
            return brand(path) == "qt  " ? "mov" : "mp4"
        }
        if names.contains("matroska") || names.contains("webm") {
            let webmVideo: Set<String> = ["vp8", "vp9", "av1"], webmAudio: Set<String> = ["opus", "vorbis"]
            let ok = (info.video.map { webmVideo.contains($0.codec) } ?? true) && (info.audio.map { webmAudio.contains($0.codec) } ?? true)
            return ok ? "webm" : "matroska"
        }
        return names.first ?? info.container
    }

    /// The major brand of an ISO-BMFF file's leading `ftyp` box.
    static func brand(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var b = [UInt8](repeating: 0, count: 12)
        guard fread(&b, 1, 12, f) == 12, String(decoding: b[4..<8], as: UTF8.self) == "ftyp" else { return nil }
        return String(decoding: b[8..<12], as: UTF8.self)
    }
}
