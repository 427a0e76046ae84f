import Job
import Imaging
import Media

/// Converts decoded frames to upright RGBA images of a given geometry (sample aspect and rotation
/// applied, the source's BT.601/BT.709 matrix used, limited range expanded to full).
/// HDR frames (PQ/HLG) are first converted to BT.709 SDR as the renditions' frames are.
/// Owns its scaler: one converter per thread.
final class RGBAConverter {
    private var scaler: Scaler?
    private var key: Scaler.Key?
    private lazy var toSDR = HDRConverter()

    func convert(_ frame: Frame, geometry g: Geometry) throws -> RGBAImage {
        let picture = HDRConverter.isHDR(frame) ? try toSDR.convert(frame) : frame
        let source = try picture.cropped(x: g.crop.x, y: g.crop.y, width: g.crop.width, height: g.crop.height)
        let sw = g.scaledWidth, sh = g.scaledHeight
        if scaler == nil || key?.srcWidth != source.width || key?.srcHeight != source.height || key?.srcFormat != source.pixelFormat
            || key?.dstWidth != sw || key?.dstHeight != sh || key?.srcFullRange != source.isFullRange
            || key?.srcColorSpace != Int32(source.colorSpace.rawValue) {
            scaler = try Scaler(srcWidth: source.width, srcHeight: source.height, srcFormat: source.pixelFormat,
                                dstWidth: sw, dstHeight: sh, dstFormat: .rgba, algorithm: .bicubic,
                                srcFullRange: source.isFullRange, srcColorSpace: source.colorSpace, dstFullRange: true)
            key = scaler!.key
        }
        var pixels = [UInt8](repeating: 0, count: sw * sh * 4)
        try pixels.withUnsafeMutableBufferPointer { buffer in
            try scaler!.scale(source, into: [buffer.baseAddress], strides: [sw * 4])
        }
        let scaled = try RGBAImage(width: sw, height: sh, pixels: pixels)
        return g.rotation == 0 ? scaled : Self.rotate(scaled, degrees: g.rotation)
    }

    /// Rotate an RGBA image clockwise.
    static func rotate(_ image: RGBAImage, degrees: Int) -> RGBAImage {
        let w = image.width, h = image.height
        let (ow, oh) = degrees == 180 ? (w, h) : (h, w)
        var out = [UInt8](repeating: 0, count: w * h * 4)
        image.pixels.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                let s = src.bindMemory(to: UInt32.self), d = dst.bindMemory(to: UInt32.self)
                for y in 0..<oh {
                    for x in 0..<ow {
                        let (sx, sy): (Int, Int)
                        switch degrees {
                        case 90: (sx, sy) = (y, h - 1 - x)
                        case 270: (sx, sy) = (w - 1 - y, x)
                        default: (sx, sy) = (w - 1 - x, h - 1 - y)
                        }
                        d[y * ow + x] = s[sy * w + sx]
                    }
                }
            }
        }
        return try! RGBAImage(width: ow, height: oh, pixels: out)  // size is ow*oh*4 by construction
    }
}
