/// Builds the hashtag watermark as an RGBA image: the text in its colour with a legibility treatment
/// (a dark outline and soft shadow, a shadow only, or a translucent pill behind it).
public enum MarkRenderer {
    public enum Style: Sendable { case outline, shadow, pill }

    public static func text(_ text: String, fontPath: String, pixelSize: Int, color: RGBAImage.Pixel,
                            style: Style) throws(ImagingError) -> RGBAImage {
        let glyphs = try TextRenderer(fontPath: fontPath).mask(text, pixelSize: pixelSize)
        let pad = max(2, pixelSize / 6)
        let w = glyphs.width + 2 * pad, h = glyphs.height + 2 * pad
        var cover = [UInt8](repeating: 0, count: w * h)
        for y in 0..<glyphs.height {
            for x in 0..<glyphs.width { cover[(y + pad) * w + x + pad] = glyphs.alpha[y * glyphs.width + x] }
        }
        var image = try RGBAImage(width: w, height: h)
        // Background layer (dark, alpha), then the text over it.
        var back = [UInt8](repeating: 0, count: w * h)
        switch style {
        case .outline:
            let outline = dilate(cover, w, h, radius: max(1, pixelSize / 14))
            let shadow = blur(shift(outline, w, h, dx: max(1, pixelSize / 20), dy: max(1, pixelSize / 20)), w, h, radius: max(1, pixelSize / 16))
            for i in 0..<(w * h) { back[i] = max(outline[i], UInt8(Int(shadow[i]) * 3 / 4)) }
        case .shadow:
            back = blur(shift(cover, w, h, dx: max(1, pixelSize / 16), dy: max(1, pixelSize / 16)), w, h, radius: max(1, pixelSize / 12))
        case .pill:
            let radius = Double(h) / 2
            for y in 0..<h {
                for x in 0..<w {
                    let cx = Double(x) + 0.5, cy = Double(y) + 0.5
                    let dx = cx < radius ? radius - cx : (cx > Double(w) - radius ? cx - (Double(w) - radius) : 0)
                    let dy = cy - radius
                    let d = (dx * dx + dy * dy).squareRoot()
                    let a = max(0, min(1, radius - d + 0.5))
                    back[y * w + x] = UInt8(a * 160)
                }
            }
        }
        for i in 0..<(w * h) {
            // Text (colour, coverage) over the dark background (black, back), non-premultiplied result.
            let ta = Double(cover[i]) / 255 * Double(color.a) / 255
            let ba = Double(back[i]) / 255
            let a = ta + ba * (1 - ta)
            let o = i * 4
            if a > 0 {
                image.pixels[o] = UInt8((Double(color.r) * ta / a).rounded())
                image.pixels[o + 1] = UInt8((Double(color.g) * ta / a).rounded())
                image.pixels[o + 2] = UInt8((Double(color.b) * ta / a).rounded())
            }
            image.pixels[o + 3] = UInt8((a * 255).rounded())
        }
        return image
    }

    static func dilate(_ m: [UInt8], _ w: Int, _ h: Int, radius r: Int) -> [UInt8] {
        var tmp = [UInt8](repeating: 0, count: w * h), out = tmp
        for y in 0..<h { for x in 0..<w {
            var v: UInt8 = 0
            for dx in max(0, x - r)...min(w - 1, x + r) { v = max(v, m[y * w + dx]) }
            tmp[y * w + x] = v
        } }
        for y in 0..<h { for x in 0..<w {
            var v: UInt8 = 0
            for dy in max(0, y - r)...min(h - 1, y + r) { v = max(v, tmp[dy * w + x]) }
            out[y * w + x] = v
        } }
        return out
    }

    static func shift(_ m: [UInt8], _ w: Int, _ h: Int, dx: Int, dy: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h where y - dy >= 0 { for x in 0..<w where x - dx >= 0 { out[y * w + x] = m[(y - dy) * w + x - dx] } }
        return out
    }

    static func blur(_ m: [UInt8], _ w: Int, _ h: Int, radius: Int) -> [UInt8] {
        var copy = m
        copy.withUnsafeMutableBufferPointer { b in
            PlaneOps.boxBlur(Plane(base: b.baseAddress!, stride: w, width: w, height: h), radius: radius, passes: 2)
        }
        return copy
    }
}
