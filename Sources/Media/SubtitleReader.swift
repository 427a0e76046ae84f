import CFFmpeg
import Foundation

/// One subtitle event as FFmpeg's decoder gives it: its time on the file's clock and its text as an ASS
/// dialogue's Text field (SRT's `<i>` and WebVTT's `<b>` already turned into `{\i1}`-style override tags,
/// line breaks as `\N`). The text is untrusted: see `CaptionText` for what may be rendered of it.
public struct SubtitleCue: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var text: String

    public init(start: Double, end: Double, text: String) {
        self.start = start; self.end = end; self.text = text
    }
}

/// Reads an SRT or WebVTT file with FFmpeg's own demuxers (`srt`, `webvtt`) and subtitle decoders (`subrip`,
/// `webvtt`) under a policy of their own: only those, the file protocol, bounded size and cue count.
public enum SubtitleReader {
    public struct Limits: Sendable {
        /// Bytes of the file (checked before FFmpeg reads it).
        public var maxBytes: Int = 4 << 20
        public var maxCues: Int = 20_000
        /// Characters of one cue's text.
        public var maxCueCharacters: Int = 2_000
        public init() {}
    }

    public static let policy = InputPolicy(demuxers: ["srt", "webvtt"], decoders: ["subrip", "srt", "webvtt"],
                                           probeSize: 1 << 20, analyzeDuration: 0, maxStreams: 1,
                                           maxDuration: 1_000_000)

    public static func read(path: String, limits: Limits = Limits(), cancel: CancellationToken? = nil) throws(MediaError) -> [SubtitleCue] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw MediaError.unsupported("open captions", "cannot read the file", file: path) }
        guard Int(info.st_size) <= limits.maxBytes else {
            throw MediaError.refused("open captions", "\(info.st_size) bytes, over the limit of \(limits.maxBytes)", file: path)
        }
        let input = try InputContainer(path: path, policy: policy, cancel: cancel)
        guard input.streamCount == 1, input.mediaType(of: 0) == .subtitle else {
            throw MediaError.unsupported("open captions", "not a subtitle file", file: path)
        }
        let decoder = try SubtitleDecoder(input: input, stream: 0)
        let packet = try Packet()
        var cues: [SubtitleCue] = []
        let timeBase = input.timeBase(of: 0).double
        while try input.read(into: packet) {
            guard packet.streamIndex == 0, let pts = packet.pts else { continue }
            let texts = try decoder.decode(packet)
            let start = Double(pts) * timeBase
            let end = start + Double(packet.duration) * timeBase
            for text in texts {
                guard text.count <= limits.maxCueCharacters else {
                    throw MediaError.refused("read captions", "a cue at \(String(format: "%.3f", start)) s has \(text.count) characters, over the limit of \(limits.maxCueCharacters)", file: path)
                }
                cues.append(SubtitleCue(start: start, end: end, text: text))
            }
            guard cues.count <= limits.maxCues else {
                throw MediaError.refused("read captions", "more than \(limits.maxCues) cues", file: path)
            }
        }
        return cues
    }
}

/// Owns a subtitle decoding context (text subtitles to ASS events).
final class SubtitleDecoder {
    private let context: UnsafeMutablePointer<AVCodecContext>
    private let input: InputContainer
    private let file: String

    init(input: InputContainer, stream: Int) throws(MediaError) {
        self.input = input
        file = input.path
        let st = input.stream(stream)
        let par = st.pointee.codecpar!
        guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
            throw MediaError.unsupported("open captions", "no decoder for '\(String(cString: avcodec_get_name(par.pointee.codec_id)))'", file: file)
        }
        let name = String(cString: codec.pointee.name)
        guard input.policy.decoders.contains(name) else {
            throw MediaError.refused("open captions", "subtitle codec '\(name)' is not SRT or WebVTT", file: file)
        }
        guard let ctx = avcodec_alloc_context3(codec) else { throw MediaError.outOfMemory("allocate subtitle decoder") }
        context = ctx
        try check(avcodec_parameters_to_context(ctx, par), "configure subtitle decoder", file: file)
        ctx.pointee.pkt_timebase = st.pointee.time_base
        try check(avcodec_open2(ctx, codec, nil), "open \(name) decoder", file: file)
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// The Text fields of the events in one packet.
    func decode(_ packet: Packet) throws(MediaError) -> [String] {
        var sub = AVSubtitle()
        var got: Int32 = 0
        let code = avcodec_decode_subtitle2(context, &sub, &got, packet.pointer)
        defer { if got != 0 { avsubtitle_free(&sub) } }
        try check(code, "decode captions", file: file)
        guard got != 0, let rects = sub.rects else { return [] }
        var texts: [String] = []
        for i in 0..<Int(sub.num_rects) {
            guard let rect = rects[i], let ass = rect.pointee.ass else { continue }
            texts.append(Self.dialogueText(String(cString: ass)))
        }
        return texts
    }

    /// `ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text` → Text (which may hold commas).
    static func dialogueText(_ line: String) -> String {
        var commas = 0
        for i in line.indices where line[i] == "," {
            commas += 1
            if commas == 8 { return String(line[line.index(after: i)...]) }
        }
        return ""
    }
}
