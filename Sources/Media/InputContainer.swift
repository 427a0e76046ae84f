#if canImport(Glibc)
import Glibc
#endif
import CFFmpeg

/// An opened input file (demuxer). Owns its `AVFormatContext` and the `AVIOContext` we opened for it.
///
/// Inputs are opened under an `InputPolicy`: we open the byte stream ourselves (file protocol only),
/// probe the format and check it against the demuxer allowlist before any demuxer runs, and install an
/// `io_open` callback that refuses every nested open (HLS segments, concat entries, MP4 data references).
public final class InputContainer {
    public let path: String
    public let policy: InputPolicy
    let context: UnsafeMutablePointer<AVFormatContext>
    private var io: UnsafeMutablePointer<AVIOContext>?
    private let interrupt: InterruptState

    public init(path: String, policy: InputPolicy = .default, cancel: CancellationToken? = nil) throws(MediaError) {
        self.path = path
        self.policy = policy
        let interrupt = InterruptState(deadline: policy.deadline, cancel: cancel)
        self.interrupt = interrupt

        try Self.checkRegularFile(path)

        // 1. The byte stream: the file protocol only, with our interrupt callback.
        var options: OpaquePointer? = nil
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        var cb = interrupt.callback
        var io: UnsafeMutablePointer<AVIOContext>? = nil
        let url = "file:" + Self.absolute(path)
        let openCode = avio_open2(&io, url, AVIO_FLAG_READ, &cb, &options)
        av_dict_free(&options)
        guard openCode >= 0, let io else { throw MediaError.ffmpeg(openCode, "open input", file: path) }

        // 2. Probe within the size limit and check the demuxer against the allowlist.
        var format: UnsafePointer<AVInputFormat>? = nil
        let probeCode = av_probe_input_buffer2(io, &format, url, nil, 0, UInt32(clamping: policy.probeSize))
        guard probeCode >= 0, let format else {
            var closing: UnsafeMutablePointer<AVIOContext>? = io
            avio_closep(&closing)
            if probeCode == AVCode.invalidData || probeCode == mw_averror_eof() {
                throw MediaError.unsupported("open input", "not a recognised media file (\(errorText(probeCode)))", file: path)
            }
            throw MediaError.ffmpeg(probeCode, "probe input", file: path)
        }
        let formatName = String(cString: format.pointee.name)
        guard policy.allowsDemuxer(formatName) else {
            var closing: UnsafeMutablePointer<AVIOContext>? = io
            avio_closep(&closing)
            throw MediaError.refused("open input", "format '\(formatName)' is not allowed by the input policy", file: path)
        }

        // MP4 data references are off in the demuxer (its track would just be empty): say why instead.
        if formatName.split(separator: ",").contains("mov"), MP4Layout.read(path: path)?.hasExternalDataReference == true {
            var closing: UnsafeMutablePointer<AVIOContext>? = io
            avio_closep(&closing)
            throw MediaError.refused("open input", "a track's data is in another file or URL (external data reference)", file: path)
        }

        if formatName == "png_pipe" {
            do { try Self.checkPNGHeader(path: path, policy: policy) } catch {
                var closing: UnsafeMutablePointer<AVIOContext>? = io
                avio_closep(&closing)
                throw error
            }
        }

        // 3. The demuxer, with every nested open refused.
        guard let ctx = avformat_alloc_context() else {
            var closing: UnsafeMutablePointer<AVIOContext>? = io
            avio_closep(&closing)
            throw MediaError.outOfMemory("allocate input context")
        }
        ctx.pointee.pb = io
        ctx.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        ctx.pointee.interrupt_callback = interrupt.callback
        ctx.pointee.io_open = { _, _, _, _, _ in mw_averror_eperm() }
        // The demuxer's own cap sits far above the policy's limit, which is checked as soon as the header is read
        // (before any decoder opens): at the cap the demuxer only says "Cannot allocate memory".
        ctx.pointee.max_streams = Int32(max(policy.maxStreams, Self.demuxerStreamCap))
        ctx.pointee.probesize = policy.probeSize
        ctx.pointee.max_analyze_duration = Int64(policy.analyzeDuration * 1_000_000)
        var demuxOptions: OpaquePointer? = nil
        av_dict_set(&demuxOptions, "protocol_whitelist", "file", 0)
        av_dict_set(&demuxOptions, "format_whitelist", policy.demuxers.sorted().joined(separator: ","), 0)
        av_dict_set(&demuxOptions, "codec_whitelist", policy.decoders.sorted().joined(separator: ","), 0)
        av_dict_set(&demuxOptions, "enable_drefs", "0", 0)
        av_dict_set(&demuxOptions, "use_absolute_path", "0", 0)
        var ctxPointer: UnsafeMutablePointer<AVFormatContext>? = ctx
        let code = avformat_open_input(&ctxPointer, url, format, &demuxOptions)
        av_dict_free(&demuxOptions)
        guard code >= 0, let opened = ctxPointer else {
            // avformat_open_input freed the context on failure; the custom IO is ours.
            var closing: UnsafeMutablePointer<AVIOContext>? = io
            avio_closep(&closing)
            throw Self.openError(code, interrupt: interrupt, path: path, policy: policy)
        }
        self.context = opened
        self.io = io

        if Int(opened.pointee.nb_streams) > policy.maxStreams {
            throw MediaError.refused("open input", "\(opened.pointee.nb_streams) streams, over the limit of \(policy.maxStreams)", file: path)
        }
        // Probing decodes a few frames of every stream: under the decoders' pixel limit, or a tiny file whose
        // streams claim huge pictures makes it allocate hundreds of MB per stream.
        var streamOptions = [OpaquePointer?](repeating: nil, count: Int(opened.pointee.nb_streams))
        for i in streamOptions.indices { av_dict_set_int(&streamOptions[i], "max_pixels", policy.maxPixels, 0) }
        let infoCode = streamOptions.withUnsafeMutableBufferPointer { avformat_find_stream_info(opened, $0.baseAddress) }
        for i in streamOptions.indices { av_dict_free(&streamOptions[i]) }
        if infoCode < 0 { throw Self.openError(infoCode, interrupt: interrupt, path: path, policy: policy) }
        if Int(opened.pointee.nb_streams) > policy.maxStreams {
            throw MediaError.refused("open input", "more than \(policy.maxStreams) streams", file: path)
        }
        if let duration = durationSeconds, duration > policy.maxDuration {
            throw MediaError.refused("open input", "duration \(Int(duration)) s is over the limit of \(Int(policy.maxDuration)) s", file: path)
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
        avio_closep(&io)
    }

    /// Streams the demuxer may create while reading a header (see `max_streams` above).
    static let demuxerStreamCap = 1000

    private static func openError(_ code: Int32, interrupt: InterruptState, path: String, policy: InputPolicy) -> MediaError {
        if code == AVCode.exit || interrupt.shouldStop {
            if interrupt.expired { return .deadline("open input", seconds: policy.deadline ?? 0, file: path) }
            return .cancelled(file: path)
        }
        if code == mw_averror_enomem() {
            // What a demuxer says when the header declares more than `demuxerStreamCap` streams (or a header too
            // big to hold): another attempt would fail the same way.
            return .refused("open input", "the demuxer ran out of room reading the header (over \(demuxerStreamCap) streams, or a header too large)", file: path)
        }
        if code == mw_averror_eperm() {
            return .refused("open input", "the file refers to another file or URL (nested opens are refused)", file: path)
        }
        if code == AVCode.invalidData || code == mw_averror_eof() {
            return .unsupported("open input", "damaged or truncated media file (\(errorText(code)))", file: path)
        }
        return .ffmpeg(code, "open input", file: path)
    }

    /// A PNG's IHDR claims its size: refuse an oversized picture before any decoder allocates for it.
    private static func checkPNGHeader(path: String, policy: InputPolicy) throws(MediaError) {
        guard let f = fopen(path, "rb") else { return }
        defer { fclose(f) }
        var header = [UInt8](repeating: 0, count: 24)
        guard fread(&header, 1, 24, f) == 24, Array(header[12..<16]) == Array("IHDR".utf8) else { return }
        let w = header[16..<20].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let h = header[20..<24].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        if w > 16384 || h > 16384 || w * h > policy.maxPixels {
            throw MediaError.refused("open input", "PNG claims \(w)×\(h), over the limit of 16384 px a side and \(policy.maxPixels) pixels", file: path)
        }
    }

    /// The best video stream, refusing a file without one or whose picture size is unknown (damaged).
    public func requireVideoStream() throws(MediaError) -> Int {
        guard let index = bestStream(.video) else {
            throw MediaError.unsupported("open input", "no video stream (an audio-only or image-less file cannot be processed)", file: path)
        }
        let par = stream(index).pointee.codecpar!
        if par.pointee.width <= 0 || par.pointee.height <= 0 {
            throw MediaError.unsupported("open input", "damaged or truncated media file: the video stream has no picture size", file: path)
        }
        return index
    }

    private static func checkRegularFile(_ path: String) throws(MediaError) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw MediaError.io("open input", String(cString: strerror(errno)), file: path)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw MediaError.refused("open input", "not a regular file", file: path)
        }
        guard st.st_size > 0 else {
            throw MediaError.unsupported("open input", "the file is empty (0 bytes)", file: path)
        }
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(cString: buffer) + "/" + path
    }

    // MARK: reading

    /// Whether the deadline has passed or the job was cancelled.
    public func checkInterrupt() throws(MediaError) {
        if interrupt.shouldStop {
            if interrupt.expired { throw MediaError.deadline("read input", seconds: policy.deadline ?? 0, file: path) }
            throw MediaError.cancelled(file: path)
        }
    }

    /// Read the next packet into `packet` (unreferenced first). Returns false at the end of the file.
    public func read(into packet: Packet) throws(MediaError) -> Bool {
        packet.unref()
        let code = av_read_frame(context, packet.pointer)
        if code == AVCode.eof { return false }
        if code == AVCode.exit { try checkInterrupt() }
        if code < 0 {
            // A truncated file ends with an I/O error: that is a damaged input.
            if code == AVCode.invalidData {
                throw MediaError.unsupported("read input", "damaged media data (\(errorText(code)))", file: path)
            }
            throw MediaError.ffmpeg(code, "read input", file: path)
        }
        let stream = context.pointee.streams[Int(packet.streamIndex)]!
        packet.timeBase = Rational(stream.pointee.time_base)
        return true
    }

    /// Seek so that the next packets of `stream` start at the keyframe at or before `seconds`.
    public func seek(stream: Int, toSeconds seconds: Double) throws(MediaError) {
        let tb = timeBase(of: stream)
        let target = Timestamp.seconds(seconds, tb).value
        try check(avformat_seek_file(context, Int32(stream), Int64.min, target, target, 0), "seek to \(seconds) s", file: path)
    }
}
