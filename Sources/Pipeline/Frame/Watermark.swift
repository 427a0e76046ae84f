import Job
import CFFmpeg
import Imaging
import Media

/// A watermark ready for one rendition: converted once to premultiplied YUV 4:2:0 planes at its final
/// size and position. Immutable, shared by every processing thread; `stamp` touches only its rectangle.
public final class Watermark: FrameStamp {
    public let rect: Rect
    // Luma: premultiplied value and alpha per pixel; chroma: per 2×2 block.
    private let yPre: [UInt8], yAlpha: [UInt8]
    private let uPre: [UInt8], vPre: [UInt8], cAlpha: [UInt8]
    // Per row, the columns [lo, hi) outside which the mark is fully transparent (lo == hi: an empty row).
    // Text and logos leave most of their rectangle empty; blending there is the identity, so it is skipped.
    private let ySpans: [Span], cSpans: [Span]

    struct Span { var lo: Int32, hi: Int32 }

    /// - Parameters:
    ///   - image: the mark, non-premultiplied RGBA, already at its output size (even width and height).
    ///   - opacity: multiplies the mark's alpha.
    ///   - bt709: the output's matrix (BT.709 for HD, else BT.601); limited range.
    public init(image: RGBAImage, at origin: (x: Int, y: Int), opacity: Double, bt709: Bool) {
        let w = image.width & ~1, h = image.height & ~1
        rect = Rect(x: origin.x & ~1, y: origin.y & ~1, width: w, height: h)
        let (kr, kb) = bt709 ? (0.2126, 0.0722) : (0.299, 0.114)
        let kg = 1 - kr - kb
        var yp = [UInt8](repeating: 0, count: w * h), ya = yp
        var up = [UInt8](repeating: 0, count: w * h / 4), vp = up, ca = up
        var uAcc = [Double](repeating: 0, count: w * h / 4), vAcc = uAcc, aAcc = uAcc
        for y in 0..<h {
            for x in 0..<w {
                let o = (y * image.width + x) * 4
                let r = Double(image.pixels[o]) / 255, g = Double(image.pixels[o + 1]) / 255, b = Double(image.pixels[o + 2]) / 255
                let a = Double(image.pixels[o + 3]) / 255 * opacity
                let luma = kr * r + kg * g + kb * b
                let Y = 16 + 219 * luma
                let U = 128 + 224 * (b - luma) / (2 * (1 - kb))
                let V = 128 + 224 * (r - luma) / (2 * (1 - kr))
                yp[y * w + x] = UInt8((Y * a).rounded())
                ya[y * w + x] = UInt8((a * 255).rounded())
                let c = (y / 2) * (w / 2) + x / 2
                uAcc[c] += U * a / 4
                vAcc[c] += V * a / 4
                aAcc[c] += a / 4
            }
        }
        for c in 0..<(w * h / 4) {
            up[c] = UInt8(min(255, uAcc[c].rounded()))
            vp[c] = UInt8(min(255, vAcc[c].rounded()))
            ca[c] = UInt8((aAcc[c] * 255).rounded())
        }
        yPre = yp; yAlpha = ya; uPre = up; vPre = vp; cAlpha = ca
        ySpans = Self.spans(width: w, height: h) { ya[$0] != 0 || yp[$0] != 0 }
        cSpans = Self.spans(width: w / 2, height: h / 2) { ca[$0] != 0 || up[$0] != 0 || vp[$0] != 0 }
    }

    static func spans(width: Int, height: Int, visible: (Int) -> Bool) -> [Span] {
        (0..<height).map { y in
            guard let lo = (0..<width).first(where: { visible(y * width + $0) }),
                  let last = (0..<width).last(where: { visible(y * width + $0) }) else { return Span(lo: 0, hi: 0) }
            return Span(lo: Int32(lo), hi: Int32(last + 1))
        }
    }

    public func stamp(on picture: YUV420) {
        guard rect.x + rect.width <= picture.width, rect.y + rect.height <= picture.height else { return }
        let target = picture.sub(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
        Self.blend(target.y, pre: yPre, alpha: yAlpha, spans: ySpans)
        Self.blend(target.u, pre: uPre, alpha: cAlpha, spans: cSpans)
        Self.blend(target.v, pre: vPre, alpha: cAlpha, spans: cSpans)
    }

    /// `dst = pre + dst × (255 − alpha) / 255`, sixteen pixels at a time, within each row's span.
    static func blend(_ p: Plane, pre: [UInt8], alpha: [UInt8], spans: [Span]) {
        let w = p.width
        pre.withUnsafeBufferPointer { pb in
            alpha.withUnsafeBufferPointer { ab in
                for y in 0..<p.height {
                    let span = spans[y]
                    if span.lo >= span.hi { continue }
                    let row = p.row(y)
                    let pr = pb.baseAddress! + y * w, ar = ab.baseAddress! + y * w
                    var x = Int(span.lo)
                    let end = Int(span.hi)
                    while x + 16 <= end {
                        let d = SIMD16<UInt16>(truncatingIfNeeded: UnsafeRawPointer(row + x).loadUnaligned(as: SIMD16<UInt8>.self))
                        let a = SIMD16<UInt16>(truncatingIfNeeded: UnsafeRawPointer(ar + x).loadUnaligned(as: SIMD16<UInt8>.self))
                        let s = SIMD16<UInt16>(truncatingIfNeeded: UnsafeRawPointer(pr + x).loadUnaligned(as: SIMD16<UInt8>.self))
                        var v = d &* (255 &- a) &+ 128
                        v = (v &+ (v &>> 8)) &>> 8          // ÷255, rounded
                        let out = SIMD16<UInt8>(truncatingIfNeeded: pointwiseMin(v &+ s, SIMD16(repeating: 255)))
                        UnsafeMutableRawPointer(row + x).storeBytes(of: out, as: SIMD16<UInt8>.self)
                        x += 16
                    }
                    while x < end {
                        var v = UInt16(row[x]) * (255 - UInt16(ar[x])) + 128
                        v = (v + (v >> 8)) >> 8
                        row[x] = UInt8(min(255, v + UInt16(pr[x])))
                        x += 1
                    }
                }
            }
        }
    }
}
