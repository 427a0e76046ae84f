/// A view of one 8-bit image plane in memory someone else owns (an AVFrame's, a buffer's).
/// It does not keep that memory alive: use it only while the owner is.
public struct Plane {
    public var base: UnsafeMutablePointer<UInt8>
    public var stride: Int
    public var width: Int
    public var height: Int

    public init(base: UnsafeMutablePointer<UInt8>, stride: Int, width: Int, height: Int) {
        self.base = base
        self.stride = stride
        self.width = width
        self.height = height
    }

    @inline(__always) public func row(_ y: Int) -> UnsafeMutablePointer<UInt8> { base + y * stride }

    /// The sub-rectangle starting at (x, y).
    public func sub(x: Int, y: Int, width: Int, height: Int) -> Plane {
        precondition(x >= 0 && y >= 0 && x + width <= self.width && y + height <= self.height, "sub-plane out of bounds")
        return Plane(base: base + y * stride + x, stride: stride, width: width, height: height)
    }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { base[y * stride + x] }
        nonmutating set { base[y * stride + x] = newValue }
    }
}

/// The three planes of a YUV 4:2:0 picture (8-bit).
public struct YUV420 {
    public var y: Plane
    public var u: Plane
    public var v: Plane
    public init(y: Plane, u: Plane, v: Plane) { self.y = y; self.u = u; self.v = v }
    public var width: Int { y.width }
    public var height: Int { y.height }

    /// The sub-picture at an even position with even size.
    public func sub(x: Int, y yy: Int, width: Int, height: Int) -> YUV420 {
        YUV420(y: y.sub(x: x, y: yy, width: width, height: height),
               u: u.sub(x: x / 2, y: yy / 2, width: width / 2, height: height / 2),
               v: v.sub(x: x / 2, y: yy / 2, width: width / 2, height: height / 2))
    }
}

public enum PlaneOps {
    public static func fill(_ p: Plane, _ value: UInt8) {
        for y in 0..<p.height { p.row(y).update(repeating: value, count: p.width) }
    }

    public static func copy(_ src: Plane, to dst: Plane) {
        precondition(src.width == dst.width && src.height == dst.height)
        for y in 0..<src.height { dst.row(y).update(from: src.row(y), count: src.width) }
    }

    /// Rotate clockwise by 90, 180 or 270 degrees. `dst` has the rotated size.
    public static func rotate(_ src: Plane, to dst: Plane, degrees: Int) {
        let w = src.width, h = src.height
        switch degrees {
        case 90:
            precondition(dst.width == h && dst.height == w)
            // dst(x, y) = src(y, h-1-x); walk in tiles for cache locality.
            let tile = 32
            var ty = 0
            while ty < w {
                var tx = 0
                while tx < h {
                    for y in ty..<min(ty + tile, w) {
                        let d = dst.row(y)
                        for x in tx..<min(tx + tile, h) { d[x] = src.base[(h - 1 - x) * src.stride + y] }
                    }
                    tx += tile
                }
                ty += tile
            }
        case 270:
            precondition(dst.width == h && dst.height == w)
            // dst(x, y) = src(w-1-y, x)
            let tile = 32
            var ty = 0
            while ty < w {
                var tx = 0
                while tx < h {
                    for y in ty..<min(ty + tile, w) {
                        let d = dst.row(y)
                        let sx = w - 1 - y
                        for x in tx..<min(tx + tile, h) { d[x] = src.base[x * src.stride + sx] }
                    }
                    tx += tile
                }
                ty += tile
            }
        case 180:
            precondition(dst.width == w && dst.height == h)
            for y in 0..<h {
                let s = src.row(h - 1 - y), d = dst.row(y)
                for x in 0..<w { d[x] = s[w - 1 - x] }
            }
        default:
            copy(src, to: dst)
        }
    }

    /// `v' = v * gain + (1 - gain) * pivot`: darkens luma (pivot 16) or desaturates chroma (pivot 128).
    public static func scaleToward(_ p: Plane, gain: Float, pivot: Float) {
        var table = [UInt8](repeating: 0, count: 256)
        for i in 0..<256 { table[i] = UInt8(max(0, min(255, (Float(i) * gain + (1 - gain) * pivot).rounded()))) }
        table.withUnsafeBufferPointer { t in
            for y in 0..<p.height {
                let r = p.row(y)
                for x in 0..<p.width { r[x] = t[Int(r[x])] }
            }
        }
    }

    /// Box blur of radius `r`, `passes` times (three passes approximate a Gaussian). In place.
    public static func boxBlur(_ p: Plane, radius r: Int, passes: Int = 3) {
        guard r > 0, p.width > 0, p.height > 0 else { return }
        var line = [UInt8](repeating: 0, count: max(p.width, p.height))
        let window = 2 * r + 1
        for _ in 0..<passes {
            // horizontal
            for y in 0..<p.height {
                let row = p.row(y)
                line.withUnsafeMutableBufferPointer { l in
                    blur1D(read: { row[$0] }, count: p.width, radius: r, window: window, out: l)
                    for x in 0..<p.width { row[x] = l[x] }
                }
            }
            // vertical
            for x in 0..<p.width {
                line.withUnsafeMutableBufferPointer { l in
                    blur1D(read: { p.base[$0 * p.stride + x] }, count: p.height, radius: r, window: window, out: l)
                    for y in 0..<p.height { p.base[y * p.stride + x] = l[y] }
                }
            }
        }
    }

    @inline(__always)
    private static func blur1D(read: (Int) -> UInt8, count n: Int, radius r: Int, window: Int, out: UnsafeMutableBufferPointer<UInt8>) {
        // Edges are clamped.
        var sum = 0
        for i in -r...r { sum += Int(read(min(max(i, 0), n - 1))) }
        for i in 0..<n {
            out[i] = UInt8(sum / window)
            let add = min(i + r + 1, n - 1), sub = max(i - r, 0)
            sum += Int(read(add)) - Int(read(sub))
        }
    }
}
