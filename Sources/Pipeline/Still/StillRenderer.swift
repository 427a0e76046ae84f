import Foundation
import Imaging
import Job
import Media

/// A still rendition's file format, decided per rendition (see `StillFormatChoice`).
public enum StillOutputFormat: Sendable, Equatable {
    case jpeg(quality: Int, progressive: Bool, subsampling: JPEG.Subsampling)
    case png

    /// "jpeg" or "png".
    public var name: String { if case .png = self { "png" } else { "jpeg" } }
    public var fileExtension: String { if case .png = self { "png" } else { "jpg" } }
}

/// Renders a still through a rendition of a template: the same geometry as video frames (`Geometry`: cover,
/// contain, blur, scale), the same mark placed by the same rules (`WatermarkPlan.place`), in RGBA, then
/// written as JPEG or PNG with no metadata.
public enum StillRenderer {
    public struct Rendition: Sendable {
        public var width: Int
        public var height: Int
        public var fit: Fit
        public var safeArea: SafeArea?
        public var format: StillOutputFormat
        public init(width: Int, height: Int, fit: Fit, safeArea: SafeArea?, format: StillOutputFormat) {
            self.width = width; self.height = height; self.fit = fit; self.safeArea = safeArea; self.format = format
        }
    }

    /// The rendition's picture. Transparency is kept only for PNG outputs of a picture that has some; otherwise
    /// the picture is flattened onto `background` first. `contain` pads with black, as on video (transparent when
    /// transparency is kept); `blur` pads with the blurred, darkened picture, as on video.
    public static func render(_ still: StillImage, _ r: Rendition, background: Color, watermark: WatermarkPlan?) throws -> RGBAImage {
        let keepAlpha = still.hasAlpha && r.format == .png
        let bg = RGBAImage.Pixel(r: background.r, g: background.g, b: background.b)
        let source = still.hasAlpha && !keepAlpha ? still.image.flattened(onto: bg) : still.image
        let g = try Geometry.compute(codedWidth: source.width, codedHeight: source.height, sampleAspect: 1, rotation: 0,
                                     width: r.width, height: r.height, fit: r.fit)
        let picture = try scale(source, crop: g.crop, width: g.picture.width, height: g.picture.height, premultiplied: keepAlpha)
        var canvas: RGBAImage
        if g.fit == .blur && g.needsCanvas {
            canvas = try blurredBackground(picture, width: g.outputWidth, height: g.outputHeight)
        } else {
            canvas = try RGBAImage(width: g.outputWidth, height: g.outputHeight, fill: keepAlpha ? .transparent : .black)
        }
        canvas.paste(picture, at: g.picture.x, g.picture.y)
        if let watermark {
            let (mark, origin) = try watermark.place(width: g.outputWidth, height: g.outputHeight, safeArea: r.safeArea)
            // At even coordinates, as `Watermark` places it on video frames.
            canvas.composite(mark, at: origin.x & ~1, origin.y & ~1, opacity: watermark.spec.opacity)
        }
        return canvas
    }

    /// The rendition's file: JPEG (alpha already flattened) or PNG, with no EXIF, XMP, IPTC or ICC.
    public static func encode(_ image: RGBAImage, _ format: StillOutputFormat) throws -> [UInt8] {
        switch format {
        case let .jpeg(quality, progressive, subsampling):
            return try JPEG.encode(image, quality: quality, progressive: progressive, subsampling: subsampling)
        case .png:
            return try PNG.encode(image, compressionLevel: 6)
        }
    }

    /// `crop` of `image` scaled to `width`×`height` with swscale's Lanczos (premultiplied when transparency is
    /// kept, so transparent edges do not darken).
    static func scale(_ image: RGBAImage, crop: Rect, width: Int, height: Int, premultiplied: Bool) throws -> RGBAImage {
        var src = image
        if premultiplied { src.premultiply() }
        let scaler = try Scaler(srcWidth: crop.width, srcHeight: crop.height, srcFormat: .rgba, dstWidth: width, dstHeight: height,
                                dstFormat: .rgba, algorithm: width < crop.width || height < crop.height ? .lanczos : .bicubic,
                                srcFullRange: true, dstFullRange: true)
        var out = [UInt8](repeating: 0, count: width * height * 4)
        try src.pixels.withUnsafeMutableBufferPointer { s in
            try out.withUnsafeMutableBufferPointer { d in
                let origin = s.baseAddress! + (crop.y * image.width + crop.x) * 4
                try scaler.scale(planes: [origin], strides: [image.width * 4], height: crop.height,
                                 into: [d.baseAddress], strides: [width * 4])
            }
        }
        var result = try RGBAImage(width: width, height: height, pixels: out)
        if premultiplied { result.unpremultiply() }
        return result
    }

    /// The blur fit's background: the picture cropped to the box's aspect, shrunk 16×, blurred, darkened and
    /// enlarged (as `FrameProcessor` paints it on video).
    static func blurredBackground(_ picture: RGBAImage, width: Int, height: Int) throws -> RGBAImage {
        let boxAspect = Double(width) / Double(height)
        var cw = picture.width, ch = Int(Double(cw) / boxAspect)
        if ch > picture.height { ch = picture.height; cw = Int(Double(ch) * boxAspect) }
        cw = max(2, cw); ch = max(2, ch)
        let crop = Rect(x: (picture.width - cw) / 2, y: (picture.height - ch) / 2, width: cw, height: ch)
        let smallW = max(8, width / 16), smallH = max(8, height / 16)
        var small = try scale(picture, crop: crop, width: smallW, height: smallH, premultiplied: false)
        small.boxBlur(radius: 2)
        small.darken(gain: 0.55)
        let up = try Scaler(srcWidth: smallW, srcHeight: smallH, srcFormat: .rgba, dstWidth: width, dstHeight: height,
                            dstFormat: .rgba, algorithm: .bilinear, srcFullRange: true, dstFullRange: true)
        var out = [UInt8](repeating: 0, count: width * height * 4)
        try small.pixels.withUnsafeMutableBufferPointer { s in
            try out.withUnsafeMutableBufferPointer { d in
                try up.scale(planes: [s.baseAddress], strides: [smallW * 4], height: smallH, into: [d.baseAddress], strides: [width * 4])
            }
        }
        var bg = try RGBAImage(width: width, height: height, pixels: out)
        bg.makeOpaque()
        return bg
    }
}

/// The default format of each still rendition (`"stills": {"format": "auto"}`): a graphic (a PNG with few
/// colours, or with transparency) stays PNG, a photo becomes JPEG — and a rendition for a platform that takes
/// no PNG (Instagram) gets JPEG whatever the input. Chroma `auto`: 4:4:4 for graphics (text and flat colour
/// keep clean edges), 4:2:0 for photos.
public enum StillFormatChoice {
    public static func choose(_ spec: StillSpec, still: StillImage, graphic: Bool, platformFormats: Set<String>?) -> StillOutputFormat {
        let subsampling: JPEG.Subsampling = switch spec.chroma {
        case .c420: .s420
        case .c444: .s444
        case .auto: graphic || still.format == .png ? .s444 : .s420
        }
        let jpeg = StillOutputFormat.jpeg(quality: spec.quality, progressive: spec.progressive, subsampling: subsampling)
        switch spec.format {
        case .jpeg: return jpeg
        case .png: return .png
        case .auto:
            let pngAllowed = platformFormats.map { $0.contains("png") } ?? true
            let wantsPNG = still.format == .png && (graphic || still.hasAlpha)
            return wantsPNG && pngAllowed ? .png : jpeg
        }
    }
}

extension RGBAImage {
    mutating func premultiply() {
        pixels.withUnsafeMutableBytes { p in
            var i = 0
            while i < p.count {
                let a = Int(p[i + 3])
                if a != 255 {
                    for c in 0..<3 { p[i + c] = UInt8((Int(p[i + c]) * a + 127) / 255) }
                }
                i += 4
            }
        }
    }

    mutating func unpremultiply() {
        pixels.withUnsafeMutableBytes { p in
            var i = 0
            while i < p.count {
                let a = Int(p[i + 3])
                if a == 0 {
                    p[i] = 0; p[i + 1] = 0; p[i + 2] = 0
                } else if a != 255 {
                    for c in 0..<3 { p[i + c] = UInt8(min(255, (Int(p[i + c]) * 255 + a / 2) / a)) }
                }
                i += 4
            }
        }
    }

    mutating func makeOpaque() {
        pixels.withUnsafeMutableBytes { p in
            var i = 3
            while i < p.count { p[i] = 255; i += 4 }
        }
    }

    mutating func darken(gain: Double) {
        let k = Int(gain * 256)
        pixels.withUnsafeMutableBytes { p in
            var i = 0
            while i < p.count {
                for c in 0..<3 { p[i + c] = UInt8((Int(p[i + c]) * k) >> 8) }
                i += 4
            }
        }
    }

    /// A separable box blur of the colour channels (edges clamped).
    mutating func boxBlur(radius: Int) {
        let w = width, h = height
        var tmp = pixels
        func pass(_ src: [UInt8], _ dst: inout [UInt8], horizontal: Bool) {
            let n = horizontal ? w : h, lines = horizontal ? h : w
            for line in 0..<lines {
                for i in 0..<n {
                    var sum = (0, 0, 0)
                    for d in -radius...radius {
                        let j = min(n - 1, max(0, i + d))
                        let o = horizontal ? (line * w + j) * 4 : (j * w + line) * 4
                        sum.0 += Int(src[o]); sum.1 += Int(src[o + 1]); sum.2 += Int(src[o + 2])
                    }
                    let o = horizontal ? (line * w + i) * 4 : (i * w + line) * 4
                    let k = 2 * radius + 1
                    dst[o] = UInt8(sum.0 / k); dst[o + 1] = UInt8(sum.1 / k); dst[o + 2] = UInt8(sum.2 / k)
                }
            }
        }
        pass(pixels, &tmp, horizontal: true)
        pass(tmp, &pixels, horizontal: false)
    }

    /// Copies `image` into this one with its top left corner at (x, y), clipped.
    mutating func paste(_ image: RGBAImage, at x: Int, _ y: Int) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + image.width), y1 = min(height, y + image.height)
        guard x1 > x0, y1 > y0 else { return }
        let w = width
        pixels.withUnsafeMutableBytes { dst in
            image.pixels.withUnsafeBytes { src in
                for row in y0..<y1 {
                    let s = ((row - y) * image.width + (x0 - x)) * 4
                    (dst.baseAddress! + (row * w + x0) * 4).copyMemory(from: src.baseAddress! + s, byteCount: (x1 - x0) * 4)
                }
            }
        }
    }

    /// Composites `mark` (non-premultiplied) over this image at (x, y) with `opacity`: Porter-Duff "over".
    mutating func composite(_ mark: RGBAImage, at x: Int, _ y: Int, opacity: Double) {
        let o = Int((opacity * 255).rounded())
        let w = width, h = height
        pixels.withUnsafeMutableBytes { dst in
            mark.pixels.withUnsafeBytes { src in
                for my in 0..<mark.height {
                    let ty = y + my
                    guard ty >= 0, ty < h else { continue }
                    for mx in 0..<mark.width {
                        let tx = x + mx
                        guard tx >= 0, tx < w else { continue }
                        let s = (my * mark.width + mx) * 4, d = (ty * w + tx) * 4
                        let sa = Int(src[s + 3]) * o / 255
                        guard sa > 0 else { continue }
                        let da = Int(dst[d + 3])
                        let outA = sa + da * (255 - sa) / 255
                        guard outA > 0 else { continue }
                        for c in 0..<3 {
                            let v = (Int(src[s + c]) * sa + Int(dst[d + c]) * da * (255 - sa) / 255) / outA
                            dst[d + c] = UInt8(min(255, v))
                        }
                        dst[d + 3] = UInt8(outA)
                    }
                }
            }
        }
    }
}
