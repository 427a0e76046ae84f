import CFFmpeg

/// An error from the media layer. It carries the operation that failed, FFmpeg's code and message
/// (when FFmpeg reported it), and the file concerned, so one line tells an operator what went wrong.
///
/// The cases live in a private enum (the style of hummingbird's `PersistError`): adding a case does not
/// break callers, who match on the static members or read the properties.
public struct MediaError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case ffmpeg(code: Int32)
        case refused          // the input policy said no
        case unsupported      // a well-formed input we do not handle (no video stream, …)
        case invalidArgument  // a caller's setting is out of range
        case io               // the file system said no
        case cancelled
        case deadline
    }

    let kind: Kind
    /// What was being done, e.g. "open input", "decode video", "write header".
    public let operation: String
    /// FFmpeg's `av_strerror` text, or our own explanation.
    public let message: String
    /// The file concerned, when there is one.
    public let file: String?

    init(_ kind: Kind, operation: String, message: String, file: String?) {
        self.kind = kind
        self.operation = operation
        self.message = message
        self.file = file
    }

    /// FFmpeg's (negative) error code, when FFmpeg reported the error.
    public var code: Int32? {
        if case .ffmpeg(let code) = kind { return code }
        return nil
    }

    public var isRefusedByPolicy: Bool { kind == .refused }
    public var isUnsupported: Bool { kind == .unsupported }
    public var isCancelled: Bool { kind == .cancelled }
    public var isDeadline: Bool { kind == .deadline }
    public var isInvalidArgument: Bool { kind == .invalidArgument }

    public var description: String {
        var text = ""
        if let file { text += "\(file): " }
        text += "\(operation) failed: \(message)"
        if let code { text += " (FFmpeg error \(code))" }
        return text
    }

    // MARK: constructors

    public static func ffmpeg(_ code: Int32, _ operation: String, file: String?) -> MediaError {
        MediaError(.ffmpeg(code: code), operation: operation, message: errorText(code), file: file)
    }
    public static func refused(_ operation: String, _ reason: String, file: String?) -> MediaError {
        MediaError(.refused, operation: operation, message: reason, file: file)
    }
    public static func unsupported(_ operation: String, _ reason: String, file: String?) -> MediaError {
        MediaError(.unsupported, operation: operation, message: reason, file: file)
    }
    public static func invalidArgument(_ operation: String, _ reason: String) -> MediaError {
        MediaError(.invalidArgument, operation: operation, message: reason, file: nil)
    }
    public static func io(_ operation: String, _ reason: String, file: String?) -> MediaError {
        MediaError(.io, operation: operation, message: reason, file: file)
    }
    public static func cancelled(file: String?) -> MediaError {
        MediaError(.cancelled, operation: "processing", message: "cancelled", file: file)
    }
    public static func deadline(_ operation: String, seconds: Double, file: String?) -> MediaError {
        MediaError(.deadline, operation: operation, message: "deadline of \(Int(seconds)) s exceeded", file: file)
    }

    /// Allocation failure from an FFmpeg allocator that returns NULL.
    static func outOfMemory(_ operation: String) -> MediaError {
        MediaError(.ffmpeg(code: mw_averror_enomem()), operation: operation, message: "out of memory", file: nil)
    }
}

/// FFmpeg's text for an error code.
public func errorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    mw_strerror(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Every FFmpeg call that returns a status goes through here: a negative code becomes a `MediaError`.
@discardableResult
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String, file: String? = nil) throws(MediaError) -> Int32 {
    if code < 0 { throw MediaError.ffmpeg(code, operation(), file: file) }
    return code
}

enum AVCode {
    static let again = mw_averror_eagain()
    static let eof = mw_averror_eof()
    static let exit = mw_averror_exit()
    static let invalidData = mw_averror_invaliddata()
    static let noPTS = mw_nopts_value()
}

/// FFmpeg's own log: quiet by default (our errors carry the cause); `MEDIAWORKER_FFMPEG_LOG=info|warning|error|debug`
/// turns it on for debugging.
public enum MediaLog {
    public static func configure(environment: [String: String]) {
        let levels: [String: Int32] = ["quiet": AV_LOG_QUIET, "error": AV_LOG_ERROR, "warning": AV_LOG_WARNING,
                                       "info": AV_LOG_INFO, "verbose": AV_LOG_VERBOSE, "debug": AV_LOG_DEBUG]
        av_log_set_level(levels[environment["MEDIAWORKER_FFMPEG_LOG"] ?? "quiet"] ?? AV_LOG_QUIET)
    }
}
