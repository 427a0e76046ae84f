import Job
import CFFmpeg
import Imaging
import Media

/// The per-thread half of a rendition: scale, crop, rotate, pad or blur, stamp. Each processing thread
/// owns one `FrameProcessor`, and with it its own `SwsContext`s and scratch frames; what it shares with
/// other threads (`RenditionRuntime`) is immutable.
final class FrameProcessor {
    /// CPU seconds this processor spent stamping marks (the rest of `process` is scaling and fitting).
    private(set) var stampSeconds = 0.0
    private struct State {
        var sourceKey: SourceKey
        var geometry: Geometry
        var scaler: Scaler
        var scratch: Frame?        // scaled, before rotation (rotated renditions) or the picture (blur)
        var picture: Frame?        // rotated picture (blur + rotation)
        var blurDown: Scaler?
        var blurUp: Scaler?
        var blurSmall: Frame?
        var blurCrop: Rect?
    }
    private struct SourceKey: Equatable {
        var width: Int, height: Int, format: PixelFormat, fullRange: Bool, colorSpace: Int32
    }
    private var states: [Int: State] = [:]

    /// - Parameter time: the output frame's time (seconds from the rendition's start), for time-dependent stamps.
    func process(_ frame: Frame, _ r: RenditionRuntime, time: Double? = nil) throws -> Frame {
        let state = try state(for: frame, r)
        let g = state.geometry
        let out = try r.pool.frame()
        out.setColor(range: AVCOL_RANGE_MPEG, space: r.color.space, primaries: r.color.primaries, transfer: r.color.transfer)
        let canvas = out.yuv420
        // A cover crop needs a cropped reference; the whole frame is used as it is (no per-frame reference).
        let whole = g.crop == Rect(x: 0, y: 0, width: frame.width, height: frame.height)
        let source = whole ? frame : try frame.cropped(x: g.crop.x, y: g.crop.y, width: g.crop.width, height: g.crop.height)

        switch (g.rotation, g.fit, g.needsCanvas) {
        case (0, .blur, true):
            let picture = state.scratch!.yuv420
            try state.scaler.scale(source, into: picture.planePointers, strides: picture.strides)
            try paintBlurredBackground(from: picture, state, onto: canvas)
            copy(picture, to: canvas.sub(x: g.picture.x, y: g.picture.y, width: g.picture.width, height: g.picture.height))
        case (0, _, _):
            if g.needsCanvas { canvas.fillBlack() }
            let target = canvas.sub(x: g.picture.x, y: g.picture.y, width: g.picture.width, height: g.picture.height)
            try state.scaler.scale(source, into: target.planePointers, strides: target.strides)
        default:
            let scaled = state.scratch!.yuv420
            try state.scaler.scale(source, into: scaled.planePointers, strides: scaled.strides)
            let target = canvas.sub(x: g.picture.x, y: g.picture.y, width: g.picture.width, height: g.picture.height)
            if g.fit == .blur && g.needsCanvas {
                let picture = state.picture!.yuv420
                rotate(scaled, to: picture, g.rotation)
                try paintBlurredBackground(from: picture, state, onto: canvas)
                copy(picture, to: target)
            } else {
                if g.needsCanvas { canvas.fillBlack() }
                rotate(scaled, to: target, g.rotation)
            }
        }
        if let mark = r.watermark {
            let t = threadCPUSeconds()
            mark.stamp(on: canvas)
            stampSeconds += threadCPUSeconds() - t
        }
        if let captions = r.captions, let time {
            let t = threadCPUSeconds()
            try captions.stamp(on: canvas, time: time)
            stampSeconds += threadCPUSeconds() - t
        }
        return out
    }

    private func state(for frame: Frame, _ r: RenditionRuntime) throws -> State {
        let key = SourceKey(width: frame.width, height: frame.height, format: frame.pixelFormat,
                            fullRange: frame.isFullRange, colorSpace: Int32(frame.colorSpace.rawValue))
        if let s = states[r.index], s.sourceKey == key { return s }
        let g = try r.geometry(codedWidth: frame.width, codedHeight: frame.height)
        let scaler = try Scaler(srcWidth: g.crop.width, srcHeight: g.crop.height, srcFormat: frame.pixelFormat,
                                dstWidth: g.scaledWidth, dstHeight: g.scaledHeight, dstFormat: .yuv420p,
                                algorithm: r.algorithm, srcFullRange: frame.isFullRange,
                                srcColorSpace: frame.colorSpace, dstFullRange: false)
        var s = State(sourceKey: key, geometry: g, scaler: scaler)
        if g.rotation != 0 || (g.fit == .blur && g.needsCanvas) {
            s.scratch = try Frame.video(width: g.scaledWidth, height: g.scaledHeight, format: .yuv420p)
        }
        if g.fit == .blur && g.needsCanvas {
            if g.rotation != 0 { s.picture = try Frame.video(width: g.picture.width, height: g.picture.height, format: .yuv420p) }
            // The background: the picture cropped to the box's aspect, shrunk, blurred, darkened, enlarged.
            let boxAspect = Double(g.outputWidth) / Double(g.outputHeight)
            var cw = g.picture.width, ch = Int(Double(cw) / boxAspect)
            if ch > g.picture.height { ch = g.picture.height; cw = Int(Double(ch) * boxAspect) }
            cw = max(2, cw & ~1); ch = max(2, ch & ~1)
            s.blurCrop = Rect(x: ((g.picture.width - cw) / 2) & ~1, y: ((g.picture.height - ch) / 2) & ~1, width: cw, height: ch)
            let smallW = max(8, (g.outputWidth / 16) & ~1), smallH = max(8, (g.outputHeight / 16) & ~1)
            s.blurSmall = try Frame.video(width: smallW, height: smallH, format: .yuv420p)
            s.blurDown = try Scaler(srcWidth: cw, srcHeight: ch, srcFormat: .yuv420p, dstWidth: smallW, dstHeight: smallH,
                                    dstFormat: .yuv420p, algorithm: .area)
            s.blurUp = try Scaler(srcWidth: smallW, srcHeight: smallH, srcFormat: .yuv420p, dstWidth: g.outputWidth,
                                  dstHeight: g.outputHeight, dstFormat: .yuv420p, algorithm: .bilinear)
        }
        states[r.index] = s
        return s
    }

    private func paintBlurredBackground(from picture: YUV420, _ s: State, onto canvas: YUV420) throws {
        let c = s.blurCrop!
        let region = picture.sub(x: c.x, y: c.y, width: c.width, height: c.height)
        let small = s.blurSmall!.yuv420
        try s.blurDown!.scale(planes: region.planePointers, strides: region.strides, height: c.height,
                              into: small.planePointers, strides: small.strides)
        PlaneOps.boxBlur(small.y, radius: 2)
        PlaneOps.boxBlur(small.u, radius: 1)
        PlaneOps.boxBlur(small.v, radius: 1)
        PlaneOps.scaleToward(small.y, gain: 0.55, pivot: 16)
        PlaneOps.scaleToward(small.u, gain: 0.8, pivot: 128)
        PlaneOps.scaleToward(small.v, gain: 0.8, pivot: 128)
        try s.blurUp!.scale(planes: small.planePointers, strides: small.strides, height: small.height,
                            into: canvas.planePointers, strides: canvas.strides)
    }

    private func rotate(_ src: YUV420, to dst: YUV420, _ degrees: Int) {
        PlaneOps.rotate(src.y, to: dst.y, degrees: degrees)
        PlaneOps.rotate(src.u, to: dst.u, degrees: degrees)
        PlaneOps.rotate(src.v, to: dst.v, degrees: degrees)
    }

    private func copy(_ src: YUV420, to dst: YUV420) {
        PlaneOps.copy(src.y, to: dst.y)
        PlaneOps.copy(src.u, to: dst.u)
        PlaneOps.copy(src.v, to: dst.v)
    }
}
