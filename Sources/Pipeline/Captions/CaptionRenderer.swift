import CAss
import Foundation
import Imaging
import Job

/// Owns a libass library and renderer for one output size, fonts from one file (no font provider: nothing
/// on the system is searched), and renders one caption text into a bounded box. Not thread-safe: a
/// `CaptionStamp` holds it behind its lock.
final class CaptionRenderer {
    private var library: OpaquePointer?
    private var renderer: OpaquePointer?
    let width: Int
    let height: Int
    /// Where captions may draw (the safe area, inset, and clear of the watermark); nothing outside it is kept.
    let box: Rect
    let style: CaptionStyle
    /// The font size the style asks for at this output size, px.
    let baseSize: Double
    /// The smallest size a caption is shrunk to before its text is cut, px.
    let minimumSize: Double
    private var lineHeights: [Int: Int] = [:]

    /// Legible minimum: 20 px (a tenth of the height on tiny outputs).
    static func sizes(style: CaptionStyle, width: Int, height: Int) -> (base: Double, minimum: Double) {
        let minimum = min(20, Double(height) / 10)
        let base = max(minimum, min(style.size * Double(height), 0.06 * Double(width)))
        return (base, minimum)
    }

    init(width: Int, height: Int, box: Rect, style: CaptionStyle, fontPath: String) throws {
        self.width = width
        self.height = height
        self.box = box
        self.style = style
        (baseSize, minimumSize) = Self.sizes(style: style, width: width, height: height)
        guard let lib = ass_library_init() else { throw PipelineError.internalFailure("libass: cannot initialise") }
        library = lib
        // libass's messages would go to stderr on every render: captions' problems surface as errors instead.
        ass_set_message_cb(lib, { _, _, _, _ in }, nil)
        guard let r = ass_renderer_init(lib) else { throw PipelineError.internalFailure("libass: cannot create a renderer") }
        renderer = r
        ass_set_frame_size(r, Int32(width), Int32(height))
        ass_set_storage_size(r, Int32(width), Int32(height))
        ass_set_fonts(r, fontPath, "DejaVu Sans", Int32(ASS_FONTPROVIDER_NONE.rawValue), nil, 0)
        ass_set_cache_limits(r, 512, 16)
    }

    deinit {
        if let renderer { ass_renderer_done(renderer) }
        if let library { ass_library_done(library) }
    }

    /// The caption for `text`: at the style's size if it fits two lines, else smaller (not under the
    /// minimum), else cut at a word with "…". Nil when nothing visible is drawn.
    func render(_ text: String) throws -> (image: RGBAImage, origin: (x: Int, y: Int))? {
        var size = baseSize
        while true {
            if let r = try draw(text, size: size), fits(r, size: size) { return try image(r) }
            if size <= minimumSize { break }
            size = max(minimumSize, size * 0.85)
        }
        // Still more than two lines at the minimum size: keep as many words as fit, then an ellipsis.
        let words = text.replacingOccurrences(of: "\\N", with: " ").split(separator: " ").map(String.init)
        var lo = 0, hi = words.count - 1
        var best: Layers?
        while lo <= hi {
            let mid = (lo + hi) / 2
            let candidate = words.prefix(mid + 1).joined(separator: " ") + "…"
            if let r = try draw(candidate, size: size), fits(r, size: size) { best = r; lo = mid + 1 } else { hi = mid - 1 }
        }
        if let best { return try image(best) }
        return try draw(text, size: size).flatMap { try image($0) }
    }

    /// A rendered caption: its layers clipped to the box, and their bounds.
    struct Layers {
        var pixels: [Float]   // premultiplied RGBA over `bounds`
        var bounds: Rect
        var unclippedHeight: Int
        /// Some of it fell outside the box.
        var clipped: Bool
    }

    func fits(_ r: Layers, size: Double) -> Bool {
        r.unclippedHeight <= lineHeight(size) + Int(1.5 * size) && !r.clipped
    }

    /// The height of one line of tall and deep glyphs at `size`.
    func lineHeight(_ size: Double) -> Int {
        let key = Int(size * 16)
        if let h = lineHeights[key] { return h }
        let measured = try? draw("ÁÉgjÑ|", size: size)
        let h = measured?.unclippedHeight ?? Int(size * 1.3)
        lineHeights[key] = h
        return h
    }

    private func script(_ text: String, size: Double) -> String {
        let c = Color.parse(style.color) ?? Color(r: 255, g: 255, b: 255, a: 255)
        let primary = String(format: "&H00%02X%02X%02X", c.b, c.g, c.r)
        let boxed = style.background == .box
        let outline = boxed ? size * 0.25 : max(1.5, size * 0.08)
        let shadow = boxed ? 0 : max(1, size * 0.04)
        let outlineColour = boxed ? "&H50000000" : "&H00000000"
        let marginL = box.x, marginR = width - box.x - box.width, marginV = height - box.y - box.height
        // Outline and box grow past the text: keep them inside the box too.
        let pad = Int(outline.rounded(.up)) + Int(shadow.rounded(.up))
        return """
        [Script Info]
        ScriptType: v4.00+
        PlayResX: \(width)
        PlayResY: \(height)
        WrapStyle: 0
        ScaledBorderAndShadow: yes

        [V4+ Styles]
        Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
        Style: Default,DejaVu Sans,\(String(format: "%.2f", size)),\(primary),&H000000FF,\(outlineColour),&H80000000,0,0,0,0,100,100,0,0,\(boxed ? 3 : 1),\(String(format: "%.2f", outline)),\(String(format: "%.2f", shadow)),2,\(marginL + pad),\(marginR + pad),\(marginV + pad),1

        [Events]
        Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
        Dialogue: 0,0:00:00.00,0:00:10.00,Default,,0,0,0,,\(text)

        """
    }

    /// libass's images for `text` at `size`, composited (premultiplied) and clipped to the box.
    func draw(_ text: String, size: Double) throws -> Layers? {
        var data = Array(script(text, size: size).utf8CString)
        let length = data.count - 1
        guard let track = data.withUnsafeMutableBufferPointer({ ass_read_memory(library, $0.baseAddress, length, nil) }) else {
            throw PipelineError.internalFailure("libass: cannot read the caption script")
        }
        defer { ass_free_track(track) }
        var changed: Int32 = 0
        var images: [UnsafeMutablePointer<ASS_Image>] = []
        var node = ass_render_frame(renderer, track, 1000, &changed)
        while let n = node {
            if n.pointee.w > 0, n.pointee.h > 0 { images.append(n) }
            node = n.pointee.next
        }
        guard !images.isEmpty else { return nil }
        // The ink's bounds: libass's bitmaps carry blank margins (for blur and outline), which must not count.
        var top = Int.max, bottom = Int.min, left = Int.max, right = Int.min
        for i in images where i.pointee.color & 255 != 255 {
            let img = i.pointee
            for y in 0..<Int(img.h) {
                let row = img.bitmap + y * Int(img.stride)
                var first = -1, last = -1
                for x in 0..<Int(img.w) where row[x] != 0 {
                    if first < 0 { first = x }
                    last = x
                }
                guard first >= 0 else { continue }
                top = min(top, Int(img.dst_y) + y); bottom = max(bottom, Int(img.dst_y) + y + 1)
                left = min(left, Int(img.dst_x) + first); right = max(right, Int(img.dst_x) + last + 1)
            }
        }
        guard top < bottom, left < right else { return nil }
        let unclippedHeight = bottom - top
        // Clip to the box, on even coordinates (4:2:0).
        let x0 = max(left, box.x) & ~1, y0 = max(top, box.y) & ~1
        let x1 = min(right, box.x + box.width), y1 = min(bottom, box.y + box.height)
        guard x1 > x0, y1 > y0 else { return nil }
        let bounds = Rect(x: x0, y: y0, width: (x1 - x0 + 1) & ~1, height: (y1 - y0 + 1) & ~1)
        var pixels = [Float](repeating: 0, count: bounds.width * bounds.height * 4)
        for i in images {
            let img = i.pointee
            let colour = img.color
            let r = Float(colour >> 24 & 255) / 255, g = Float(colour >> 16 & 255) / 255, b = Float(colour >> 8 & 255) / 255
            let opacity = Float(255 - (colour & 255)) / 255
            for y in 0..<Int(img.h) {
                let oy = Int(img.dst_y) + y
                guard oy >= bounds.y, oy < min(y1, bounds.y + bounds.height) else { continue }
                for x in 0..<Int(img.w) {
                    let ox = Int(img.dst_x) + x
                    guard ox >= bounds.x, ox < min(x1, bounds.x + bounds.width) else { continue }
                    let a = Float(img.bitmap[y * Int(img.stride) + x]) / 255 * opacity
                    if a == 0 { continue }
                    let o = ((oy - bounds.y) * bounds.width + (ox - bounds.x)) * 4
                    pixels[o] = r * a + pixels[o] * (1 - a)
                    pixels[o + 1] = g * a + pixels[o + 1] * (1 - a)
                    pixels[o + 2] = b * a + pixels[o + 2] * (1 - a)
                    pixels[o + 3] = a + pixels[o + 3] * (1 - a)
                }
            }
        }
        let clipped = top < box.y || bottom > box.y + box.height || left < box.x || right > box.x + box.width
        return Layers(pixels: pixels, bounds: bounds, unclippedHeight: unclippedHeight, clipped: clipped)
    }

    private func image(_ r: Layers) throws -> (image: RGBAImage, origin: (x: Int, y: Int)) {
        var bytes = [UInt8](repeating: 0, count: r.pixels.count)
        for p in stride(from: 0, to: r.pixels.count, by: 4) {
            let a = r.pixels[p + 3]
            guard a > 0 else { continue }
            for c in 0..<3 { bytes[p + c] = UInt8(max(0, min(255, (r.pixels[p + c] / a * 255).rounded()))) }
            bytes[p + 3] = UInt8(max(0, min(255, (a * 255).rounded())))
        }
        return (try RGBAImage(width: r.bounds.width, height: r.bounds.height, pixels: bytes), (r.bounds.x, r.bounds.y))
    }
}
