/// An error from the imaging layer: one line that names the file (when there is one) and the cause.
///
/// The cases live in a private enum (the style of hummingbird's `PersistError`): adding a case does not
/// break callers, who match on `kind` (or the `isXxx` properties) and read the properties.
public struct ImagingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is, for matching: `catch let e as ImagingError where e.kind == .tooLarge`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Over a configured limit (dimensions, pixels, chunk or file size): refused before the work.
        public static let tooLarge = Kind("too large")
        /// The data is not a valid image (bad signature, CRC, header, compressed data…).
        public static let corrupt = Kind("corrupt")
        /// The file could not be opened or read (or is not a regular file).
        public static let unreadable = Kind("unreadable")
        /// The file could not be written.
        public static let writeFailed = Kind("write failed")
        /// A caller's image or setting is not valid (pixel count, dimensions, compression level…).
        public static let invalidArgument = Kind("invalid argument")
        /// An allocation failed.
        public static let outOfMemory = Kind("out of memory")

        public var description: String { name }
    }

    /// Which limit an oversized input went over, and its value.
    public struct Limit: Hashable, Sendable, CustomStringConvertible {
        enum Measure: Hashable, Sendable { case width, height, pixels, chunkBytes, fileBytes, items }
        let measure: Measure
        /// The limit's value (pixels or bytes).
        public let value: Int

        public static func width(_ value: Int) -> Limit { Limit(measure: .width, value: value) }
        public static func height(_ value: Int) -> Limit { Limit(measure: .height, value: value) }
        public static func pixels(_ value: Int) -> Limit { Limit(measure: .pixels, value: value) }
        public static func chunkBytes(_ value: Int) -> Limit { Limit(measure: .chunkBytes, value: value) }
        public static func fileBytes(_ value: Int) -> Limit { Limit(measure: .fileBytes, value: value) }
        /// Items of a container (a HEIF file's tiles, thumbnails, metadata).
        public static func items(_ value: Int) -> Limit { Limit(measure: .items, value: value) }

        public var description: String {
            switch measure {
            case .width: "\(value) px width limit"
            case .height: "\(value) px height limit"
            case .pixels: "\(value) pixel limit"
            case .chunkBytes: "\(value)-byte chunk limit"
            case .fileBytes: "\(value)-byte file size limit"
            case .items: "\(value)-item limit"
            }
        }
    }

    private enum Reason: Sendable, Equatable {
        case tooLarge(width: Int, height: Int, limit: Limit)
        case fileTooLarge(bytes: Int, limit: Limit)
        case chunkTooLarge(limit: Limit, detail: String)
        case corrupt(message: String)
        case unreadable(reason: String)
        case writeFailed(reason: String)
        case invalidArgument(reason: String)
        case outOfMemory
    }

    private let reason: Reason
    /// The file concerned, when there is one.
    public let path: String?

    private init(_ reason: Reason, path: String? = nil) {
        self.reason = reason
        self.path = path
    }

    // MARK: constructors

    /// An image whose declared dimensions are over a limit.
    public static func tooLarge(width: Int, height: Int, limit: Limit, path: String? = nil) -> ImagingError {
        ImagingError(.tooLarge(width: width, height: height, limit: limit), path: path)
    }
    /// A file bigger than the size allowed for it.
    public static func fileTooLarge(bytes: Int, limit: Int, path: String?) -> ImagingError {
        ImagingError(.fileTooLarge(bytes: bytes, limit: .fileBytes(limit)), path: path)
    }
    /// A chunk (metadata) over the chunk limit; `detail` is the codec's text.
    public static func chunkTooLarge(limit: Int, detail: String, path: String? = nil) -> ImagingError {
        ImagingError(.chunkTooLarge(limit: .chunkBytes(limit), detail: detail), path: path)
    }
    /// A part of the file (metadata, a container's items) over `limit`; `detail` says which.
    public static func partTooLarge(limit: Limit, detail: String, path: String? = nil) -> ImagingError {
        ImagingError(.chunkTooLarge(limit: limit, detail: detail), path: path)
    }
    /// Invalid image data; `message` is the codec's own text (e.g. libpng's "IDAT: CRC error").
    public static func corrupt(_ message: String, path: String? = nil) -> ImagingError {
        ImagingError(.corrupt(message: message), path: path)
    }
    /// A file that cannot be opened or read; `reason` is the system's text (`strerror`) or ours.
    public static func unreadable(path: String, reason: String) -> ImagingError {
        ImagingError(.unreadable(reason: reason), path: path)
    }
    /// A file that cannot be written; `reason` names the step and the system's text.
    public static func writeFailed(path: String, reason: String) -> ImagingError {
        ImagingError(.writeFailed(reason: reason), path: path)
    }
    public static func invalidArgument(_ reason: String) -> ImagingError {
        ImagingError(.invalidArgument(reason: reason))
    }
    public static func outOfMemory(path: String? = nil) -> ImagingError {
        ImagingError(.outOfMemory, path: path)
    }

    /// The same error, about `path`.
    public func with(path: String) -> ImagingError { ImagingError(reason, path: path) }

    // MARK: matching

    public var kind: Kind {
        switch reason {
        case .tooLarge, .fileTooLarge, .chunkTooLarge: .tooLarge
        case .corrupt: .corrupt
        case .unreadable: .unreadable
        case .writeFailed: .writeFailed
        case .invalidArgument: .invalidArgument
        case .outOfMemory: .outOfMemory
        }
    }

    public var isTooLarge: Bool { kind == .tooLarge }
    public var isCorrupt: Bool { kind == .corrupt }
    public var isUnreadable: Bool { kind == .unreadable }
    public var isWriteFailed: Bool { kind == .writeFailed }
    public var isInvalidArgument: Bool { kind == .invalidArgument }

    /// The limit that was exceeded, for `tooLarge` errors.
    public var limit: Limit? {
        switch reason {
        case .tooLarge(_, _, let limit), .fileTooLarge(_, let limit), .chunkTooLarge(let limit, _): limit
        default: nil
        }
    }

    /// The dimensions an oversized image declared.
    public var declaredSize: (width: Int, height: Int)? {
        if case .tooLarge(let width, let height, _) = reason { return (width, height) }
        return nil
    }

    // MARK: text

    /// The cause without the file name.
    public var message: String {
        switch reason {
        case .tooLarge(let width, let height, let limit):
            "image is \(width)×\(height), over the \(limit)"
        case .fileTooLarge(let bytes, let limit):
            "file is \(bytes) bytes, over the \(limit)"
        case .chunkTooLarge(let limit, let detail):
            "a chunk is over the \(limit) (\(detail))"
        case .corrupt(let message):
            "corrupt image: \(message)"
        case .unreadable(let reason):
            "cannot read: \(reason)"
        case .writeFailed(let reason):
            "cannot write: \(reason)"
        case .invalidArgument(let reason):
            "invalid argument: \(reason)"
        case .outOfMemory:
            "out of memory"
        }
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
