import Job
import CFFmpeg
import Imaging
import Media

/// One output video as the frame core runs it (resolved from a job spec or from `transcode`'s options).
public struct RenditionPlan: Sendable {
    public var name: String
    public var width: Int?
    public var height: Int?
    public var fit: Fit
    public var crf: Int
    public var preset: String
    public var maxBitrateKbps: Int?
    public var fpsMax: Double?
    /// Repeat frames up to this rate (see `outputFrameRate`).
    public var fpsMin: Double?
    public var audioBitrateKbps: Int
    public var keyframeSeconds: Double
    /// An interlaced source at frame rate (one frame per frame) or field rate (one per field, the rate doubled).
    public var deinterlace: DeinterlaceRate = .frame
    /// Where the MP4 is written (a temporary path; publishing renames it).
    public var outputPath: String
    /// Stamped on every frame of this rendition, already scaled for it (see `WatermarkPlan`).
    public var watermark: (any FrameStamp)?
    /// Builds the stamp once the output size is known: (width, height, BT.709?) → stamp.
    public var watermarkFactory: (@Sendable (Int, Int, Bool) throws -> any FrameStamp)?
    /// Builds the burned-in captions once the output size and the watermark's place are known:
    /// (width, height, BT.709?, the watermark's rectangle) → stamp (see `CaptionStamp`).
    public var captionsFactory: (@Sendable (Int, Int, Bool, Rect?) throws -> any TimedFrameStamp)?

    public init(name: String, width: Int?, height: Int?, fit: Fit = .scale, crf: Int = 23, preset: String = "veryfast",
                maxBitrateKbps: Int? = nil, fpsMax: Double? = 60, audioBitrateKbps: Int = 128, keyframeSeconds: Double = 2,
                outputPath: String, watermark: (any FrameStamp)? = nil, fpsMin: Double? = nil) {
        self.name = name
        self.width = width
        self.height = height
        self.fit = fit
        self.crf = crf
        self.preset = preset
        self.maxBitrateKbps = maxBitrateKbps
        self.fpsMax = fpsMax
        self.fpsMin = fpsMin
        self.audioBitrateKbps = audioBitrateKbps
        self.keyframeSeconds = keyframeSeconds
        self.outputPath = outputPath
        self.watermark = watermark
    }
}

extension RenditionPlan {
    /// The constant rate this rendition is encoded at for a source rate (`InputContainer.frameRate(of:)`):
    /// the frame core and the platform checks made before encoding both ask here.
    public func frameRate(source: Rational?) -> Rational {
        let rate = outputFrameRate(source: source.map { ($0.num, $0.den) }, cap: fpsMax, floor: fpsMin)
        return Rational(rate.num, rate.den)
    }
}

/// Something drawn on every output frame (a watermark). Implementations are immutable once built and
/// shared by every processing thread.
public protocol FrameStamp: Sendable {
    func stamp(on picture: YUV420)
}

/// The colour description every output frame carries.
struct OutputColor: Sendable {
    var space: AVColorSpace
    var primaries: AVColorPrimaries
    var transfer: AVColorTransferCharacteristic

    static let bt709 = OutputColor(space: AVCOL_SPC_BT709, primaries: AVCOL_PRI_BT709, transfer: AVCOL_TRC_BT709)

    /// Keep the source's description (swscale keeps the matrix from YUV to YUV); an unspecified source
    /// is BT.601 below 720 lines and BT.709 from 720 up, as players assume.
    static func from(stream info: StreamInfo) -> OutputColor {
        let height = info.height ?? 720
        // HDR sources are converted to BT.709 SDR before the renditions see them (HDRConverter).
        if info.hdrTransfer != nil { return .bt709 }
        switch info.colorSpace {
        case "bt470bg", "smpte170m":
            return OutputColor(space: AVCOL_SPC_SMPTE170M, primaries: height >= 576 ? AVCOL_PRI_BT470BG : AVCOL_PRI_SMPTE170M, transfer: AVCOL_TRC_SMPTE170M)
        case "bt709":
            return OutputColor(space: AVCOL_SPC_BT709, primaries: AVCOL_PRI_BT709, transfer: AVCOL_TRC_BT709)
        default:
            return height >= 720
                ? OutputColor(space: AVCOL_SPC_BT709, primaries: AVCOL_PRI_BT709, transfer: AVCOL_TRC_BT709)
                : OutputColor(space: AVCOL_SPC_SMPTE170M, primaries: AVCOL_PRI_SMPTE170M, transfer: AVCOL_TRC_SMPTE170M)
        }
    }
}

/// What every processing thread shares about one rendition. Immutable (the pool is thread-safe).
final class RenditionRuntime: Sendable {
    let index: Int
    let plan: RenditionPlan
    let pool: FramePool
    let color: OutputColor
    let algorithm: Scaler.Algorithm = .bicubic
    let sampleAspect: Double
    let rotation: Int
    let watermark: (any FrameStamp)?
    let captions: (any TimedFrameStamp)?
    let outputWidth: Int
    let outputHeight: Int
    let frameRate: Rational

    init(index: Int, plan: RenditionPlan, source: StreamInfo, frameRate: Rational) throws {
        self.index = index
        self.plan = plan
        self.color = OutputColor.from(stream: source)
        self.sampleAspect = source.sampleAspectRatio?.double ?? 1
        self.rotation = source.rotation ?? 0
        self.frameRate = frameRate
        let g = try Geometry.compute(codedWidth: source.width ?? 0, codedHeight: source.height ?? 0,
                                     sampleAspect: sampleAspect, rotation: rotation,
                                     width: plan.width, height: plan.height, fit: plan.fit)
        outputWidth = g.outputWidth
        outputHeight = g.outputHeight
        self.watermark = try plan.watermarkFactory?(g.outputWidth, g.outputHeight, color.space == AVCOL_SPC_BT709) ?? plan.watermark
        self.captions = try plan.captionsFactory?(g.outputWidth, g.outputHeight, color.space == AVCOL_SPC_BT709,
                                                  (watermark as? Watermark)?.rect)
        pool = try FramePool(width: g.outputWidth, height: g.outputHeight, format: .yuv420p)
    }

    /// The geometry for a frame of this size (the output size never changes mid-stream).
    func geometry(codedWidth: Int, codedHeight: Int) throws -> Geometry {
        var g = try Geometry.compute(codedWidth: codedWidth, codedHeight: codedHeight, sampleAspect: sampleAspect,
                                     rotation: rotation, width: plan.width, height: plan.height, fit: plan.fit)
        if g.outputWidth != outputWidth || g.outputHeight != outputHeight {
            // The source changed size mid-stream: fit the new picture into the established frame.
            g = try Geometry.compute(codedWidth: codedWidth, codedHeight: codedHeight, sampleAspect: sampleAspect,
                                     rotation: rotation, width: outputWidth, height: outputHeight,
                                     fit: plan.fit == .scale ? .contain : plan.fit)
        }
        return g
    }
}
