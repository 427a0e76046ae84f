import CJPEGCodec

/// JPEG decoding and encoding (libjpeg-turbo through the `CJPEGCodec` C target, which hosts libjpeg's setjmp).
///
/// libjpeg-turbo rather than FFmpeg's mjpeg decoder: it reads the frame header (dimensions) before any pixel
/// memory exists, it hands over the APP1/APP2 markers (EXIF orientation, ICC profile) that FFmpeg's image2
/// path drops, it bounds a progressive file's scans and its own working memory, it decodes Adobe CMYK, and
/// its encoder writes progressive files with 4:4:4 or 4:2:0 chroma and optimised Huffman tables — with no
/// metadata but the JFIF header.
public enum JPEG {
    /// A decoded JPEG: the pixels as stored (not yet turned upright) and the markers that say how to show them.
    public struct Decoded: Sendable {
        public var image: RGBAImage
        public var progressive: Bool
        /// The first APP1 marker starting "Exif\0\0" (its TIFF body), if any.
        public var exif: [UInt8]?
        /// The ICC profile assembled from the APP2 "ICC_PROFILE" chunks, if any.
        public var icc: [UInt8]?
    }

    public static func decode(_ bytes: [UInt8], limits: StillLimits = .default) throws(ImagingError) -> Decoded {
        guard bytes.count <= limits.maxFileBytes else { throw .fileTooLarge(bytes: bytes.count, limit: limits.maxFileBytes, path: nil) }
        var result: Result<Decoded, ImagingError> = .failure(.corrupt("empty JPEG"))
        bytes.withUnsafeBufferPointer { buffer in
            result = Result { () throws(ImagingError) -> Decoded in try decode(buffer, limits: limits) }
        }
        return try result.get()
    }

    private static func decode(_ buffer: UnsafeBufferPointer<UInt8>, limits: StillLimits) throws(ImagingError) -> Decoded {
        var c = mw_jpeg_limits(max_width: UInt32(clamping: limits.maxWidth), max_height: UInt32(clamping: limits.maxHeight),
                               max_pixels: UInt64(limits.maxPixels), max_scans: UInt32(limits.maxScans),
                               max_memory: UInt64(limits.maxDecoderMemory))
        var report = mw_jpeg_report()
        guard let reader = mw_jpeg_reader_open(buffer.baseAddress, buffer.count, &c, &report) else {
            throw error(report, limits)
        }
        defer { mw_jpeg_reader_close(reader) }
        let width = Int(mw_jpeg_reader_width(reader)), height = Int(mw_jpeg_reader_height(reader))
        // Metadata first: a profile over the limit is refused before the pixels are decoded.
        var exif: [UInt8]?
        var iccChunks: [Int: [UInt8]] = [:]
        var iccTotal = 0, iccCount = 0
        for i in 0..<mw_jpeg_reader_marker_count(reader) {
            var code: Int32 = 0
            var data: UnsafePointer<UInt8>?
            var length = 0
            guard mw_jpeg_reader_marker(reader, i, &code, &data, &length) == 0, let data else { continue }
            let payload = UnsafeBufferPointer(start: data, count: length)
            if code == 0xE1, exif == nil, payload.starts(with: Array("Exif\0\0".utf8)) {
                exif = Array(payload.dropFirst(6))
            } else if code == 0xE2, payload.count >= 14, payload.starts(with: Array("ICC_PROFILE\0".utf8)) {
                // ICC.1 annex B: sequence number (1-based) and count, then the chunk.
                let sequence = Int(payload[12]), count = Int(payload[13])
                guard sequence >= 1, count >= 1, sequence <= count else { throw .corrupt("ICC profile chunk \(sequence) of \(count)") }
                if iccCount != 0, iccCount != count { throw .corrupt("ICC profile chunks disagree on their count") }
                iccCount = count
                guard iccChunks[sequence] == nil else { throw .corrupt("ICC profile chunk \(sequence) repeated") }
                iccTotal += payload.count - 14
                guard iccTotal <= limits.maxProfileBytes else {
                    throw .chunkTooLarge(limit: limits.maxProfileBytes, detail: "the ICC profile is over \(limits.maxProfileBytes) bytes")
                }
                iccChunks[sequence] = Array(payload.dropFirst(14))
            }
        }
        var icc: [UInt8]?
        if iccCount > 0 {
            guard iccChunks.count == iccCount else { throw .corrupt("ICC profile: \(iccChunks.count) of \(iccCount) chunks present") }
            icc = (1...iccCount).flatMap { iccChunks[$0]! }
        }
        let count = width * height * 4
        var status: Int32 = 0
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            status = mw_jpeg_reader_read_rgba(reader, out.baseAddress, count, &report)
            initialized = status == 0 ? count : 0
        }
        guard status == 0 else { throw error(report, limits) }
        return Decoded(image: try RGBAImage(width: width, height: height, pixels: pixels),
                       progressive: mw_jpeg_reader_progressive(reader) != 0, exif: exif, icc: icc)
    }

    public enum Subsampling: Int, Sendable { case s420 = 420, s444 = 444 }

    /// Encodes `image` (alpha ignored: flatten it first) as a baseline or progressive JFIF file.
    public static func encode(_ image: RGBAImage, quality: Int, progressive: Bool, subsampling: Subsampling) throws(ImagingError) -> [UInt8] {
        try image.validate()
        guard (1...100).contains(quality) else { throw .invalidArgument("JPEG quality must be 1...100, not \(quality)") }
        var report = mw_jpeg_report()
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = image.pixels.withUnsafeBufferPointer { p in
            mw_jpeg_encode_rgba(p.baseAddress, UInt32(image.width), UInt32(image.height), Int32(quality), progressive ? 1 : 0,
                                Int32(subsampling.rawValue), &out, &size, &report)
        }
        guard status == 0, let out else { throw error(report, .default) }
        defer { mw_jpeg_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    static func error(_ r: mw_jpeg_report, _ limits: StillLimits) -> ImagingError {
        let message = PNG.text(r.message)
        let (w, h) = (Int(r.width), Int(r.height))
        switch r.status {
        case MW_JPEG_TOO_LARGE:
            switch r.exceeded {
            case MW_JPEG_LIMIT_WIDTH: return .tooLarge(width: w, height: h, limit: .width(limits.maxWidth))
            case MW_JPEG_LIMIT_HEIGHT: return .tooLarge(width: w, height: h, limit: .height(limits.maxHeight))
            case MW_JPEG_LIMIT_PIXELS: return .tooLarge(width: w, height: h, limit: .pixels(limits.maxPixels))
            case MW_JPEG_LIMIT_SCANS: return .corrupt("libjpeg: \(message) (limit \(limits.maxScans))")
            default: return .corrupt("libjpeg: \(message) (working memory limit \(limits.maxDecoderMemory) bytes)")
            }
        case MW_JPEG_CORRUPT: return .corrupt("libjpeg: \(message.isEmpty ? "invalid JPEG data" : message)")
        case MW_JPEG_NO_MEMORY: return .outOfMemory()
        default: return .invalidArgument(message)
        }
    }
}

/// What a still input may be: checked from its header before any pixel memory exists.
public struct StillLimits: Sendable, Equatable {
    public var maxWidth: Int
    public var maxHeight: Int
    public var maxPixels: Int
    public var maxFileBytes: Int
    /// A progressive JPEG's scans (real files have about ten).
    public var maxScans: Int
    /// An embedded ICC profile (Display P3's is about 500 bytes; printers' can reach 1 MB).
    public var maxProfileBytes: Int
    /// libjpeg's working memory (a progressive file's coefficients: about 3 bytes a pixel).
    public var maxDecoderMemory: Int
    /// A HEIF file's items (a 48 MP iPhone HEIC has about 60: 48 tiles, a thumbnail, EXIF, …).
    public var maxItems: Int = 4096

    public init(maxWidth: Int = 16384, maxHeight: Int = 16384, maxPixels: Int = 8192 * 8192, maxFileBytes: Int = 100_000_000,
                maxScans: Int = 256, maxProfileBytes: Int = 4 << 20, maxDecoderMemory: Int = 1 << 30) {
        self.maxWidth = maxWidth; self.maxHeight = maxHeight; self.maxPixels = maxPixels; self.maxFileBytes = maxFileBytes
        self.maxScans = maxScans; self.maxProfileBytes = maxProfileBytes; self.maxDecoderMemory = maxDecoderMemory
    }

    public static let `default` = StillLimits()

    var png: PNGLimits {
        // Text and ICC chunks at most 1 MiB once inflated, as for every PNG the project reads.
        PNGLimits(maxWidth: maxWidth, maxHeight: maxHeight, maxPixels: maxPixels, maxChunkBytes: min(maxProfileBytes, 1 << 20),
                  maxFileBytes: maxFileBytes)
    }
}
