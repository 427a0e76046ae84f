/// An 8-bit RGBA image that owns its pixels: non-premultiplied, rows tightly packed
/// (`stride == width * 4`), top row first.
///
/// `pixels` is a plain array that callers may edit in place; an operation that needs the invariant
/// (`pixels.count == width * height * 4`) checks it (`validate()`), as `PNG.encode` does.
public struct RGBAImage: Sendable, Equatable, CustomStringConvertible {
    /// One pixel, non-premultiplied.
    public struct Pixel: Sendable, Hashable, CustomStringConvertible {
        public var r: UInt8
        public var g: UInt8
        public var b: UInt8
        public var a: UInt8

        public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
            self.r = r
            self.g = g
            self.b = b
            self.a = a
        }

        public static let transparent = Pixel(r: 0, g: 0, b: 0, a: 0)
        public static let black = Pixel(r: 0, g: 0, b: 0)
        public static let white = Pixel(r: 255, g: 255, b: 255)

        public var description: String { "rgba(\(r), \(g), \(b), \(a))" }
    }

    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    /// Wraps `pixels` (`width * height * 4` bytes, RGBA order, rows packed).
    public init(width: Int, height: Int, pixels: [UInt8]) throws(ImagingError) {
        let count = try Self.byteCount(width: width, height: height)
        guard pixels.count == count else {
            throw .invalidArgument("\(width)×\(height) RGBA needs \(count) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of one colour.
    public init(width: Int, height: Int, fill: Pixel = .transparent) throws(ImagingError) {
        let count = try Self.byteCount(width: width, height: height)
        var pixels = [UInt8](repeating: 0, count: count)
        if fill != .transparent {
            pixels.withUnsafeMutableBufferPointer { buffer in
                for i in Swift.stride(from: 0, to: count, by: 4) {
                    buffer[i] = fill.r
                    buffer[i + 1] = fill.g
                    buffer[i + 2] = fill.b
                    buffer[i + 3] = fill.a
                }
            }
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Bytes per row.
    public var stride: Int { width * 4 }

    /// Size only: the pixels would flood a log or a test report.
    public var description: String { "RGBAImage(\(width)×\(height))" }

    /// The pixel at column `x`, row `y` (0-based, from the top left). Out of bounds traps, like an array.
    public subscript(x x: Int, y y: Int) -> Pixel {
        get {
            let i = offset(x: x, y: y)
            return Pixel(r: pixels[i], g: pixels[i + 1], b: pixels[i + 2], a: pixels[i + 3])
        }
        set {
            let i = offset(x: x, y: y)
            pixels[i] = newValue.r
            pixels[i + 1] = newValue.g
            pixels[i + 2] = newValue.b
            pixels[i + 3] = newValue.a
        }
    }

    /// The byte offset of pixel (x, y) in `pixels`.
    public func offset(x: Int, y: Int) -> Int {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        return (y * width + x) * 4
    }

    /// Throws unless `pixels` still holds exactly `width * height * 4` bytes.
    public func validate() throws(ImagingError) {
        let count = try Self.byteCount(width: width, height: height)
        guard pixels.count == count else {
            throw .invalidArgument("\(width)×\(height) RGBA image holds \(pixels.count) bytes, not \(count)")
        }
    }

    /// `width * height * 4`, or an error for negative sizes and sizes that overflow `Int`.
    static func byteCount(width: Int, height: Int) throws(ImagingError) -> Int {
        guard width >= 0, height >= 0 else { throw .invalidArgument("negative image size \(width)×\(height)") }
        let (pixelCount, overflow1) = width.multipliedReportingOverflow(by: height)
        let (bytes, overflow2) = pixelCount.multipliedReportingOverflow(by: 4)
        guard !overflow1, !overflow2 else { throw .invalidArgument("image size \(width)×\(height) overflows") }
        return bytes
    }
}
