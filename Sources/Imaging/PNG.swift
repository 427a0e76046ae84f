import CPNGCodec

/// What a PNG from outside may claim before we refuse it. The dimensions are checked right after the
/// header is read, before any pixel memory is allocated.
public struct PNGLimits: Sendable, Equatable {
    public var maxWidth: Int
    public var maxHeight: Int
    /// width × height.
    public var maxPixels: Int
    /// The largest ancillary chunk (text, iCCP, private…), compressed or once inflated.
    public var maxChunkBytes: Int
    /// The largest file (or in-memory PNG) accepted, checked before reading it.
    public var maxFileBytes: Int

    public init(maxWidth: Int = 16384, maxHeight: Int = 16384, maxPixels: Int = 64_000_000,
                maxChunkBytes: Int = 1 << 20, maxFileBytes: Int = 256 << 20) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.maxChunkBytes = maxChunkBytes
        self.maxFileBytes = maxFileBytes
    }

    public static let `default` = PNGLimits()

    /// The C codec's form; every limit must be at least 1 (PNG dimensions stop at 2³¹ − 1).
    func cLimits() throws(ImagingError) -> mw_png_limits {
        for (name, value) in [("maxWidth", maxWidth), ("maxHeight", maxHeight), ("maxPixels", maxPixels),
                              ("maxChunkBytes", maxChunkBytes), ("maxFileBytes", maxFileBytes)] where value < 1 {
            throw .invalidArgument("PNGLimits.\(name) must be at least 1, not \(value)")
        }
        let dimensionMax = Int(Int32.max)
        return mw_png_limits(max_width: UInt32(min(maxWidth, dimensionMax)),
                             max_height: UInt32(min(maxHeight, dimensionMax)),
                             max_pixels: UInt64(maxPixels),
                             max_chunk_bytes: UInt64(maxChunkBytes))
    }
}

/// PNG decoding and encoding (libpng, through the `CPNGCodec` C target, which hosts libpng's setjmp).
///
/// Decoding accepts every PNG colour type and bit depth, interlaced or not, and yields 8-bit RGBA:
/// palettes and tRNS become alpha, grey becomes RGB, 16-bit samples keep their high byte.
/// No gamma or colour-profile correction is applied. Encoding writes 8-bit RGBA, not interlaced.
public enum PNG {
    /// Decodes a PNG held in memory.
    public static func decode(_ data: some Collection<UInt8>, limits: PNGLimits = .default) throws(ImagingError)
        -> RGBAImage
    {
        let decoded = data.withContiguousStorageIfAvailable { bytes in decodeResult(bytes, limits: limits) }
        if let decoded { return try decoded.get() }
        return try Array(data).withUnsafeBufferPointer { bytes in decodeResult(bytes, limits: limits) }.get()
    }

    /// Encodes an image as an 8-bit RGBA PNG. `compressionLevel` is zlib's, 0 (none) to 9 (smallest).
    public static func encode(_ image: RGBAImage, compressionLevel: Int = 6) throws(ImagingError) -> [UInt8] {
        try image.validate()
        guard (0...9).contains(compressionLevel) else {
            throw .invalidArgument("PNG compression level must be 0...9, not \(compressionLevel)")
        }
        let dimensionMax = Int(Int32.max)
        guard image.width >= 1, image.height >= 1, image.width <= dimensionMax, image.height <= dimensionMax else {
            throw .invalidArgument("a PNG cannot be \(image.width)×\(image.height)")
        }
        var report = mw_png_report()
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            mw_png_encode_rgba(pixels.baseAddress, UInt32(image.width), UInt32(image.height),
                               Int32(compressionLevel), &output, &outputSize, &report)
        }
        guard status == MW_PNG_OK, let output else { throw error(from: report, limits: .default) }
        defer { mw_png_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: outputSize))
    }

    // MARK: internals

    private static func decodeResult(_ bytes: UnsafeBufferPointer<UInt8>, limits: PNGLimits)
        -> Result<RGBAImage, ImagingError>
    {
        do {
            return .success(try decode(bytes: bytes, limits: limits))
        } catch {
            return .failure(error)
        }
    }

    private static func decode(bytes: UnsafeBufferPointer<UInt8>, limits: PNGLimits) throws(ImagingError)
        -> RGBAImage
    {
        guard bytes.count <= limits.maxFileBytes else {
            throw .fileTooLarge(bytes: bytes.count, limit: limits.maxFileBytes, path: nil)
        }
        let reader = try PNGReader(bytes: bytes, limits: limits)
        let (width, height) = (reader.width, reader.height)
        let pixels = try reader.readRGBA()
        return try RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// A PNG as a still input: its pixels, its ICC profile and whether it has alpha.
    static func decodeStill(_ bytes: [UInt8], limits: PNGLimits) throws(ImagingError) -> (RGBAImage, icc: [UInt8]?, hasAlpha: Bool) {
        guard bytes.count <= limits.maxFileBytes else { throw .fileTooLarge(bytes: bytes.count, limit: limits.maxFileBytes, path: nil) }
        var result: Result<(RGBAImage, icc: [UInt8]?, hasAlpha: Bool), ImagingError> = .failure(.corrupt("empty PNG"))
        bytes.withUnsafeBufferPointer { buffer in
            result = Result { () throws(ImagingError) -> (RGBAImage, icc: [UInt8]?, hasAlpha: Bool) in
                let reader = try PNGReader(bytes: buffer, limits: limits)
                let (width, height, icc, alpha) = (reader.width, reader.height, reader.icc, reader.hasAlpha)
                let pixels = try reader.readRGBA()
                return (try RGBAImage(width: width, height: height, pixels: pixels), icc, alpha)
            }
        }
        return try result.get()
    }

    /// The `ImagingError` for a failed codec call.
    static func error(from report: mw_png_report, limits: PNGLimits) -> ImagingError {
        let message = text(report.message)
        let (width, height) = (Int(report.width), Int(report.height))
        switch report.status {
        case MW_PNG_TOO_LARGE:
            switch report.exceeded {
            case MW_PNG_LIMIT_WIDTH: return .tooLarge(width: width, height: height, limit: .width(limits.maxWidth))
            case MW_PNG_LIMIT_HEIGHT: return .tooLarge(width: width, height: height, limit: .height(limits.maxHeight))
            case MW_PNG_LIMIT_PIXELS: return .tooLarge(width: width, height: height, limit: .pixels(limits.maxPixels))
            default: return .chunkTooLarge(limit: limits.maxChunkBytes, detail: "libpng: \(message)")
            }
        case MW_PNG_CORRUPT: return .corrupt(message.isEmpty ? "libpng error" : message)
        case MW_PNG_NO_MEMORY: return .outOfMemory()
        default: return .invalidArgument(message)
        }
    }

    /// A NUL-terminated C string held in a fixed-size char array (imported as a tuple).
    static func text<T>(_ chars: T) -> String {
        withUnsafeBytes(of: chars) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
