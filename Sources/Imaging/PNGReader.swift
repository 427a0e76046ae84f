import CPNGCodec

/// Owns one `mw_png_reader` (libpng's read and info structs) for one decode.
///
/// It borrows the PNG bytes without keeping them alive: create and use it only inside the scope that
/// does (as `PNG.decode` does). Not copyable, so it is closed exactly once.
struct PNGReader: ~Copyable {
    private let reader: OpaquePointer
    private let limits: PNGLimits
    let width: Int
    let height: Int
    /// The iCCP profile, inflated (under the chunk limit), when the PNG has one.
    let icc: [UInt8]?
    /// Whether the PNG has an alpha channel or a tRNS chunk.
    let hasAlpha: Bool

    /// Reads the header and the chunks before the first IDAT and checks the dimensions against `limits`.
    init(bytes: UnsafeBufferPointer<UInt8>, limits: PNGLimits) throws(ImagingError) {
        var cLimits = try limits.cLimits()
        var report = mw_png_report()
        guard let reader = mw_png_reader_open(bytes.baseAddress, bytes.count, &cLimits, &report) else {
            throw PNG.error(from: report, limits: limits)
        }
        self.reader = reader
        self.limits = limits
        self.width = Int(mw_png_reader_width(reader))
        self.height = Int(mw_png_reader_height(reader))
        var data: UnsafePointer<UInt8>?
        var length = 0
        if mw_png_reader_icc(reader, &data, &length) == 0, let data {
            icc = Array(UnsafeBufferPointer(start: data, count: length))
        } else {
            icc = nil
        }
        hasAlpha = mw_png_reader_has_alpha(reader) != 0
    }

    deinit {
        mw_png_reader_close(reader)
    }

    /// Decodes every pixel as RGBA8 (rows packed) and reads to the end of the PNG.
    consuming func readRGBA() throws(ImagingError) -> [UInt8] {
        let count = width * height * 4
        var report = mw_png_report()
        var status = MW_PNG_OK
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = mw_png_reader_read_rgba(reader, buffer.baseAddress, count, &report)
            initialized = status == MW_PNG_OK ? count : 0
        }
        guard status == MW_PNG_OK else { throw PNG.error(from: report, limits: limits) }
        return pixels
    }
}
