import CFreeType

/// Rasterises a line of text with FreeType (anti-aliased) into an 8-bit coverage mask.
/// A `FT_Library` and `FT_Face` are owned per renderer and freed in `deinit`.
public final class TextRenderer {
    private var library: FT_Library?
    private var face: FT_Face?
    public let fontPath: String

    public init(fontPath: String) throws(ImagingError) {
        self.fontPath = fontPath
        guard FT_Init_FreeType(&library) == 0 else { throw ImagingError.invalidArgument("FreeType could not start") }
        guard FT_New_Face(library, fontPath, 0, &face) == 0, face != nil else {
            FT_Done_FreeType(library)
            throw ImagingError.unreadable(path: fontPath, reason: "not a font FreeType can read")
        }
    }

    deinit {
        if let face { FT_Done_Face(face) }
        FT_Done_FreeType(library)
    }

    /// Coverage mask of `text` at `pixelSize` (the font's em size in pixels), tightly cropped.
    public func mask(_ text: String, pixelSize: Int) throws(ImagingError) -> (width: Int, height: Int, alpha: [UInt8]) {
        guard let face, pixelSize > 0, pixelSize <= 2048 else { throw ImagingError.invalidArgument("font size \(pixelSize)") }
        guard FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelSize)) == 0 else { throw ImagingError.invalidArgument("font size \(pixelSize)") }
        struct Glyph { var x: Int; var y: Int; var w: Int; var h: Int; var pitch: Int; var bits: [UInt8] }
        var glyphs: [Glyph] = []
        var pen = 0
        var previous: FT_UInt = 0
        let hasKerning = face.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING) != 0
        for scalar in text.unicodeScalars {
            let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
            if hasKerning, previous != 0, index != 0 {
                var delta = FT_Vector()
                FT_Get_Kerning(face, previous, index, FT_KERNING_DEFAULT.rawValue, &delta)
                pen += Int(delta.x >> 6)
            }
            guard FT_Load_Glyph(face, index, FT_Int32(FT_LOAD_DEFAULT)) == 0,
                  FT_Render_Glyph(face.pointee.glyph, FT_RENDER_MODE_NORMAL) == 0 else { continue }
            let slot = face.pointee.glyph!.pointee
            let bm = slot.bitmap
            let w = Int(bm.width), h = Int(bm.rows), pitch = Int(bm.pitch)
            var bits = [UInt8](repeating: 0, count: w * h)
            if w > 0, h > 0, let buffer = bm.buffer {
                for row in 0..<h {
                    for col in 0..<w { bits[row * w + col] = buffer[row * pitch + col] }
                }
            }
            glyphs.append(Glyph(x: pen + Int(slot.bitmap_left), y: -Int(slot.bitmap_top), w: w, h: h, pitch: w, bits: bits))
            pen += Int(slot.advance.x >> 6)
            previous = index
        }
        let drawn = glyphs.filter { $0.w > 0 && $0.h > 0 }
        guard let minX = drawn.map(\.x).min(), let maxX = drawn.map({ $0.x + $0.w }).max(),
              let minY = drawn.map(\.y).min(), let maxY = drawn.map({ $0.y + $0.h }).max() else {
            throw ImagingError.invalidArgument("text '\(text)' has no visible glyphs in \(fontPath)")
        }
        let width = maxX - minX, height = maxY - minY
        var alpha = [UInt8](repeating: 0, count: width * height)
        for g in drawn {
            for row in 0..<g.h {
                for col in 0..<g.w {
                    let i = (g.y - minY + row) * width + (g.x - minX + col)
                    alpha[i] = max(alpha[i], g.bits[row * g.pitch + col])
                }
            }
        }
        return (width, height, alpha)
    }
}
