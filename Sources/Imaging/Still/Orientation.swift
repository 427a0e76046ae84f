/// EXIF orientation (TIFF tag 0x0112): how a camera stored a picture it did not turn (a phone held upright
/// stores its landscape sensor's picture and writes 6: "turn 90° clockwise to show").
public enum EXIFOrientation {
    /// The orientation in an EXIF block (the TIFF body after "Exif\0\0"), or nil when it has none or the
    /// block is malformed. Only IFD0's entries are read, each bounds-checked; no offset is followed (so
    /// loops and offsets outside the block cannot matter); values outside 1...8 count as none.
    public static func read(_ tiff: [UInt8]) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = Int(tiff[at]), b = Int(tiff[at + 1])
            return little ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let lo = u16(little ? at : at + 2), let hi = u16(little ? at + 2 : at) else { return nil }
            return lo | hi << 16
        }
        guard u16(2) == 42, let ifd = u32(4), ifd >= 8, let count = u16(ifd), count <= 4096 else { return nil }
        for i in 0..<count {
            let entry = ifd + 2 + 12 * i
            guard let tag = u16(entry), let type = u16(entry + 2), let n = u32(entry + 4) else { return nil }
            guard tag == 0x0112 else { continue }
            guard type == 3, n == 1, let value = u16(entry + 8), (1...8).contains(value) else { return nil }
            return value
        }
        return nil
    }
}

extension RGBAImage {
    /// The picture turned upright for an EXIF orientation (1: as stored; 2–8: mirrored and/or turned).
    public func applyingOrientation(_ orientation: Int) throws(ImagingError) -> RGBAImage {
        guard (2...8).contains(orientation) else { return self }
        let w = width, h = height
        let swaps = orientation >= 5
        let ow = swaps ? h : w, oh = swaps ? w : h
        var out = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBytes { srcRaw in
            out.withUnsafeMutableBytes { dstRaw in
                let src = srcRaw.bindMemory(to: UInt32.self), dst = dstRaw.bindMemory(to: UInt32.self)
                for y in 0..<h {
                    for x in 0..<w {
                        let (dx, dy): (Int, Int)
                        switch orientation {
                        case 2: (dx, dy) = (w - 1 - x, y)
                        case 3: (dx, dy) = (w - 1 - x, h - 1 - y)
                        case 4: (dx, dy) = (x, h - 1 - y)
                        case 5: (dx, dy) = (y, x)
                        case 6: (dx, dy) = (h - 1 - y, x)
                        case 7: (dx, dy) = (h - 1 - y, w - 1 - x)
                        default: (dx, dy) = (y, w - 1 - x)
                        }
                        dst[dy * ow + dx] = src[y * w + x]
                    }
                }
            }
        }
        return try RGBAImage(width: ow, height: oh, pixels: out)
    }
}
