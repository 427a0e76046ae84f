import Imaging
import Media
import Job
import Pipeline

/// A source frame put where a rendition puts it: cropped, scaled and rotated by the rendition's `Geometry`
/// (the pipeline's own computation), as yuv420p of the picture's size. It is what the output shows inside
/// `geometry.picture` before the watermark and the encoder. Owns its scaler and scratch frames.
final class ReferencePicture {
    private var scaler: Scaler?
    private var scalerKey: Scaler.Key?
    private var scaled: Frame?
    private var rotated: Frame?

    /// The reference for `frame` under `g` (valid until the next call).
    func render(_ frame: Frame, geometry g: Geometry) throws -> YUV420 {
        let source = try frame.cropped(x: g.crop.x, y: g.crop.y, width: g.crop.width, height: g.crop.height)
        let sw = g.scaledWidth, sh = g.scaledHeight
        if scaler == nil || scalerKey?.srcWidth != source.width || scalerKey?.srcHeight != source.height
            || scalerKey?.srcFormat != source.pixelFormat || scalerKey?.dstWidth != sw || scalerKey?.dstHeight != sh {
            let s = try Scaler(srcWidth: source.width, srcHeight: source.height, srcFormat: source.pixelFormat,
                               dstWidth: sw, dstHeight: sh, dstFormat: .yuv420p, algorithm: .bicubic,
                               srcFullRange: source.isFullRange, srcColorSpace: source.colorSpace, dstFullRange: false)
            scaler = s
            scalerKey = s.key
            scaled = try Frame.video(width: sw, height: sh, format: .yuv420p)
            rotated = g.rotation == 0 ? nil : try Frame.video(width: g.picture.width, height: g.picture.height, format: .yuv420p)
        }
        try scaler!.scale(source, into: scaled!)
        let picture = scaled!.planes420!
        guard let rotated, g.rotation != 0 else { return picture }
        let target = rotated.planes420!
        PlaneOps.rotate(picture.y, to: target.y, degrees: g.rotation)
        PlaneOps.rotate(picture.u, to: target.u, degrees: g.rotation)
        PlaneOps.rotate(picture.v, to: target.v, degrees: g.rotation)
        return target
    }
}
