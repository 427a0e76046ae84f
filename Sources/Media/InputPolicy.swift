/// How an untrusted input may be opened. Every input the project opens goes through one of these.
///
/// - only the `file` protocol, and no nested opens (playlists cannot reach other files or the network);
/// - demuxers and decoders from allowlists;
/// - probe limits, a stream count limit, a pixel limit for decoders, a duration limit;
/// - a deadline after which every blocking FFmpeg call is interrupted.
public struct InputPolicy: Sendable {
    /// Demuxer names (FFmpeg's short names; a demuxer whose comma-separated name list contains
    /// one of these is allowed).
    public var demuxers: Set<String>
    /// Decoder names (as `AVCodec.name`).
    public var decoders: Set<String>
    /// `probesize`, bytes.
    public var probeSize: Int64
    /// `analyzeduration`, seconds.
    public var analyzeDuration: Double
    public var maxStreams: Int
    /// Decoder `max_pixels` (width × height of one picture).
    public var maxPixels: Int64
    /// Longest input accepted, seconds (a container claiming more is refused before decoding).
    public var maxDuration: Double
    /// Wall-clock seconds allowed from opening to the last read; `nil` for none (the default: a queued
    /// attempt gets its worker's `--timeout-seconds`, so no job length is ruled out here).
    public var deadline: Double?

    public init(demuxers: Set<String> = InputPolicy.defaultDemuxers,
                decoders: Set<String> = InputPolicy.defaultDecoders,
                probeSize: Int64 = 10_000_000,
                analyzeDuration: Double = 10,
                maxStreams: Int = 16,
                maxPixels: Int64 = 8192 * 8192,
                maxDuration: Double = 4 * 3600,
                deadline: Double? = nil) {
        self.demuxers = demuxers
        self.decoders = decoders
        self.probeSize = probeSize
        self.analyzeDuration = analyzeDuration
        self.maxStreams = maxStreams
        self.maxPixels = maxPixels
        self.maxDuration = maxDuration
        self.deadline = deadline
    }

    public static let `default` = InputPolicy()

    public static let defaultDemuxers: Set<String> = [
        "mov", "mp4", "m4a", "3gp", "matroska", "webm", "mpegts", "avi", "flv", "ogg", "wav", "mp3", "aac",
        "png_pipe", "jpeg_pipe",
    ]

    public static let defaultDecoders: Set<String> = [
        // video
        "h264", "hevc", "vp8", "vp9", "av1", "libdav1d", "mpeg4", "mpeg2video", "mpeg1video", "prores",
        "mjpeg", "png", "dnxhd", "flv", "h263", "theora", "msmpeg4v3",
        // audio
        "aac", "aac_fixed", "mp3", "mp3float", "mp2", "mp2float", "opus", "libopus", "vorbis", "flac", "alac",
        "ac3", "eac3", "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be", "pcm_s32le", "pcm_f32le",
        "pcm_u8", "pcm_s8", "pcm_alaw", "pcm_mulaw",
    ]

    /// Whether a demuxer's name (FFmpeg writes several, comma-separated: "mov,mp4,m4a,3gp,3g2,mj2")
    /// is allowed.
    public func allowsDemuxer(_ name: String) -> Bool {
        name.split(separator: ",").contains { demuxers.contains(String($0)) }
    }
}
