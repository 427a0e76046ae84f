import Job

/// An integer rectangle.
public struct Rect: Equatable, Sendable, Codable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var description: String { "\(width)×\(height)+\(x)+\(y)" }
}

/// Where a source picture goes in one rendition: what to crop from the coded frame, what size to scale
/// it to, how to rotate it, and where it lands in the output frame.
public struct Geometry: Equatable, Sendable {
    /// The output frame size (even).
    public var outputWidth: Int
    public var outputHeight: Int
    /// The rectangle of the coded source frame used (cover crops; otherwise the whole frame).
    public var crop: Rect
    /// Where the (rotated) picture lands in the output frame.
    public var picture: Rect
    /// Clockwise rotation applied after scaling (0, 90, 180, 270).
    public var rotation: Int
    public var fit: Fit

    /// The size the crop is scaled to before rotation.
    public var scaledWidth: Int { rotation == 90 || rotation == 270 ? picture.height : picture.width }
    public var scaledHeight: Int { rotation == 90 || rotation == 270 ? picture.width : picture.height }
    public var needsCanvas: Bool { picture.width != outputWidth || picture.height != outputHeight }

    /// - Parameters:
    ///   - codedWidth/codedHeight: the decoded frame's size.
    ///   - sampleAspect: the source's pixel aspect (1 for square pixels).
    ///   - rotation: clockwise degrees a player turns the picture (0/90/180/270).
    ///   - width/height: the target box; with `.scale` either may be nil (it then follows the aspect).
    public static func compute(codedWidth: Int, codedHeight: Int, sampleAspect: Double, rotation: Int,
                               width: Int?, height: Int?, fit: Fit) throws(PipelineError) -> Geometry {
        guard codedWidth > 0, codedHeight > 0 else { throw .internalFailure("empty source frame") }
        let sar = sampleAspect.isFinite && sampleAspect > 0 ? sampleAspect : 1
        let rotated = rotation == 90 || rotation == 270
        // The upright display size.
        let unrotatedW = Double(codedWidth) * sar, unrotatedH = Double(codedHeight)
        let dispW = rotated ? unrotatedH : unrotatedW
        let dispH = rotated ? unrotatedW : unrotatedH

        var boxW: Int, boxH: Int
        switch (width, height) {
        case let (w?, h?): boxW = w; boxH = h
        case let (w?, nil): boxW = w; boxH = even(Double(w) * dispH / dispW)
        case let (nil, h?): boxH = h; boxW = even(Double(h) * dispW / dispH)
        case (nil, nil): boxW = even(dispW); boxH = even(dispH)
        }
        guard boxW >= 2, boxH >= 2, boxW <= 8192, boxH <= 8192 else {
            throw .invalidSpec("width/height", "\(boxW)×\(boxH) is outside 2…8192")
        }
        boxW = evenDown(boxW); boxH = evenDown(boxH)

        var displayCrop = (x: 0.0, y: 0.0, w: dispW, h: dispH)
        var picture: Rect
        var outW = boxW, outH = boxH
        switch fit {
        case .cover:
            let k = max(Double(boxW) / dispW, Double(boxH) / dispH)
            let cw = min(dispW, Double(boxW) / k), ch = min(dispH, Double(boxH) / k)
            displayCrop = ((dispW - cw) / 2, (dispH - ch) / 2, cw, ch)
            picture = Rect(x: 0, y: 0, width: boxW, height: boxH)
        case .contain, .blur:
            let k = min(Double(boxW) / dispW, Double(boxH) / dispH)
            let pw = min(boxW, max(2, even(dispW * k))), ph = min(boxH, max(2, even(dispH * k)))
            picture = Rect(x: evenDown((boxW - pw) / 2), y: evenDown((boxH - ph) / 2), width: pw, height: ph)
        case .scale:
            let k = min(Double(boxW) / dispW, Double(boxH) / dispH)
            let pw = min(boxW, max(2, even(dispW * k))), ph = min(boxH, max(2, even(dispH * k)))
            outW = pw; outH = ph
            picture = Rect(x: 0, y: 0, width: pw, height: ph)
        }

        // Display crop → unrotated display space → coded pixels.
        let (x0, y0, w, h) = displayCrop
        var u: (x: Double, y: Double, w: Double, h: Double)
        switch rotation {
        case 90: u = (y0, unrotatedH - x0 - w, h, w)
        case 180: u = (unrotatedW - x0 - w, unrotatedH - y0 - h, w, h)
        case 270: u = (unrotatedW - y0 - h, x0, h, w)
        default: u = (x0, y0, w, h)
        }
        var crop = Rect(x: evenDown(Int((u.x / sar).rounded())), y: evenDown(Int(u.y.rounded())),
                        width: even(u.w / sar), height: even(u.h))
        crop.width = max(2, min(crop.width, codedWidth - crop.x))
        crop.height = max(2, min(crop.height, codedHeight - crop.y))
        if crop.width > codedWidth { crop.width = codedWidth }
        if crop.height > codedHeight { crop.height = codedHeight }
        return Geometry(outputWidth: outW, outputHeight: outH, crop: crop, picture: picture,
                        rotation: [90, 180, 270].contains(rotation) ? rotation : 0, fit: fit)
    }
}

@inline(__always) func even(_ v: Double) -> Int { max(2, Int((v / 2).rounded()) * 2) }
@inline(__always) func evenDown(_ v: Int) -> Int { v & ~1 }
