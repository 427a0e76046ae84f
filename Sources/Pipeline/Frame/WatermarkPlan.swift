import Job
import Imaging
import Media

/// Turns a job's watermark spec into a `Watermark` for each rendition's frame size: text is rasterised once
/// per size with FreeType at the size it will be shown (no resampling), images are scaled once.
public struct WatermarkPlan: Sendable {
    public var spec: WatermarkSpec
    public var fontPath: String?
    public var image: RGBAImage?

    public init(spec: WatermarkSpec, fontPath: String?, imagePath: String?) throws {
        self.spec = spec
        self.fontPath = fontPath
        if let imagePath { image = try PNG.read(path: imagePath) }
    }

    /// The mark for a `width`×`height` frame, placed by anchor and margin inside the safe area.
    public func build(width: Int, height: Int, safeArea: SafeArea?, bt709: Bool) throws -> Watermark {
        let (mark, origin) = try place(width: width, height: height, safeArea: safeArea)
        return Watermark(image: mark, at: origin, opacity: spec.opacity, bt709: bt709)
    }

    /// The mark rendered at its size for a `width`×`height` picture (even width and height) and where its top
    /// left corner goes: by anchor and margin inside the safe area. Video frames and stills place it alike.
    public func place(width: Int, height: Int, safeArea: SafeArea?) throws -> (RGBAImage, (x: Int, y: Int)) {
        let s = safeArea ?? SafeArea()
        let region = Rect(x: Int(Double(width) * s.left), y: Int(Double(height) * s.top),
                          width: Int(Double(width) * (1 - s.left - s.right)), height: Int(Double(height) * (1 - s.top - s.bottom)))
        let margin = Int(Double(min(width, height)) * spec.margin)
        let maxW = max(2, region.width - 2 * margin), maxH = max(2, region.height - 2 * margin)
        let targetW = min(maxW, max(8, Int(Double(width) * spec.scale)))
        var mark = try render(targetWidth: targetW)
        if mark.width > maxW || mark.height > maxH {
            let k = min(Double(maxW) / Double(mark.width), Double(maxH) / Double(mark.height))
            mark = try resize(mark, width: Int(Double(mark.width) * k), height: Int(Double(mark.height) * k))
        }
        let mw = mark.width & ~1, mh = mark.height & ~1
        let left = region.x + margin, right = region.x + region.width - margin - mw
        let top = region.y + margin, bottom = region.y + region.height - margin - mh
        let cx = region.x + (region.width - mw) / 2, cy = region.y + (region.height - mh) / 2
        let origin: (Int, Int)
        switch spec.anchor {
        case .topLeft: origin = (left, top)
        case .topRight: origin = (right, top)
        case .bottomLeft: origin = (left, bottom)
        case .bottomRight: origin = (right, bottom)
        case .topCenter: origin = (cx, top)
        case .bottomCenter: origin = (cx, bottom)
        case .center: origin = (cx, cy)
        }
        return (mark, origin)
    }

    private func render(targetWidth: Int) throws -> RGBAImage {
        if let text = spec.text {
            let font = fontPath ?? JobSpecLoader.defaultFont
            let c = Color.parse(spec.color) ?? Color(r: 255, g: 255, b: 255, a: 255)
            let style: MarkRenderer.Style = spec.style == .pill ? .pill : spec.style == .shadow ? .shadow : .outline
            let colour = RGBAImage.Pixel(r: c.r, g: c.g, b: c.b, a: c.a)
            let probe = try MarkRenderer.text(text, fontPath: font, pixelSize: 64, color: colour, style: style)
            let size = max(6, Int(64 * Double(targetWidth) / Double(probe.width)))
            return try MarkRenderer.text(text, fontPath: font, pixelSize: size, color: colour, style: style)
        }
        guard let image else { throw PipelineError.invalidSpec("watermark", "needs text or image") }
        let h = max(2, Int(Double(image.height) * Double(targetWidth) / Double(image.width)))
        return try resize(image, width: targetWidth, height: h)
    }

    /// Resize an RGBA image with swscale (premultiplied, so transparent edges do not darken).
    func resize(_ img: RGBAImage, width: Int, height: Int) throws -> RGBAImage {
        let w = max(2, width), h = max(2, height)
        var pre = img.pixels
        for i in stride(from: 0, to: pre.count, by: 4) {
            let a = Int(pre[i + 3])
            for c in 0..<3 { pre[i + c] = UInt8((Int(pre[i + c]) * a + 127) / 255) }
        }
        let scaler = try Scaler(srcWidth: img.width, srcHeight: img.height, srcFormat: .rgba, dstWidth: w, dstHeight: h,
                                dstFormat: .rgba, algorithm: .bicubic, srcFullRange: true, dstFullRange: true)
        var out = [UInt8](repeating: 0, count: w * h * 4)
        try pre.withUnsafeMutableBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try scaler.scale(planes: [src.baseAddress], strides: [img.width * 4], height: img.height,
                                 into: [dst.baseAddress], strides: [w * 4])
            }
        }
        for i in stride(from: 0, to: out.count, by: 4) {
            let a = Int(out[i + 3])
            for c in 0..<3 { out[i + c] = a == 0 ? 0 : UInt8(min(255, (Int(out[i + c]) * 255 + a / 2) / a)) }
        }
        return try RGBAImage(width: w, height: h, pixels: out)
    }
}
