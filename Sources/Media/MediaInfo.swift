/// What `probe` reports about a file and its streams. Codable for `probe --json`.
public struct MediaInfo: Codable, Sendable {
    public var path: String
    /// The demuxer's names, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    public var container: String
    public var containerLongName: String?
    public var duration: Double?
    public var bitRate: Int64?
    public var streams: [StreamInfo]
    public var moovBeforeMdat: Bool?
    public var hasEditList: Bool?

    public var video: StreamInfo? { streams.first { $0.type == .video && !$0.isAttachedPicture } }
    public var audio: StreamInfo? { streams.first { $0.type == .audio } }
}

public enum MediaType: String, Codable, Sendable {
    case video, audio, subtitle, data, attachment, unknown
}

public struct StreamInfo: Codable, Sendable {
    public var index: Int
    public var type: MediaType
    public var codec: String
    public var profile: String?
    public var timeBase: Rational
    public var duration: Double?
    public var bitRate: Int64?
    public var frameCount: Int64?
    // video
    public var width: Int?
    public var height: Int?
    public var sampleAspectRatio: Rational?
    public var displayAspectRatio: Rational?
    /// Clockwise degrees (0, 90, 180, 270) a player turns the picture to show it upright.
    public var rotation: Int?
    public var frameRate: Rational?
    public var averageFrameRate: Rational?
    public var pixelFormat: String?
    public var colorRange: String?
    public var colorSpace: String?
    /// Transfer characteristics and colour primaries as FFmpeg names them ("smpte2084", "arib-std-b67", "bt2020").
    public var colorTransfer: String?
    public var colorPrimaries: String?
    /// Mastering display / content light level metadata from the stream's side data, when present.
    public var hdr: HDRMetadata?
    public var fieldOrder: String?
    public var isAttachedPicture: Bool
    // audio
    public var sampleRate: Int?
    public var channels: Int?
    public var channelLayout: String?
    public var sampleFormat: String?
    public var startTime: Double?

    public init(index: Int, type: MediaType, codec: String, profile: String? = nil, timeBase: Rational,
                duration: Double? = nil, bitRate: Int64? = nil, frameCount: Int64? = nil, isAttachedPicture: Bool = false) {
        self.index = index; self.type = type; self.codec = codec; self.profile = profile; self.timeBase = timeBase
        self.duration = duration; self.bitRate = bitRate; self.frameCount = frameCount; self.isAttachedPicture = isAttachedPicture
    }

    /// PQ or HLG when the stream says its transfer is one of them.
    public var hdrTransfer: HDRTransfer? { HDRTransfer(name: colorTransfer) }

    /// Width and height as displayed: sample aspect and rotation applied.
    public var displaySize: (width: Int, height: Int)? {
        guard let width, let height else { return nil }
        var w = Double(width)
        if let sar = sampleAspectRatio, sar.isValid { w = w * sar.double }
        let dw = Int(w.rounded()), dh = height
        if let rotation, rotation == 90 || rotation == 270 { return (dh, dw) }
        return (dw, dh)
    }
}
