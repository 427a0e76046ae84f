import Job
import CFFmpeg
import Foundation
import Media

/// Turns HDR frames (PQ or HLG) into 8-bit 4:2:0 BT.709 SDR frames through an `HDRLUT`; leaves SDR frames
/// alone. Owns its pools, scratch frame and scaler: one converter per thread that calls it (the source
/// stage, a thumbnail converter). Its band helpers (if any) only ever run inside `convert`.
final class HDRConverter {
    private let streamMetadata: HDRMetadata
    private var frameMetadata: HDRMetadata?
    private let bands: BandPool
    private var lut: HDRLUT?
    private var output: FramePool?
    private var prep: (scaler: Scaler, frame: Frame)?

    /// - Parameters:
    ///   - streamMetadata: mastering display / content light level from the container, used before any the
    ///     frames carry.
    ///   - helperThreads: persistent threads that convert bands of rows alongside the caller.
    init(streamMetadata: HDRMetadata = HDRMetadata(), helperThreads: Int = 0) {
        self.streamMetadata = streamMetadata
        bands = BandPool(helpers: helperThreads)
    }

    /// Helper threads worth having for a source stage: none below 8 cores (the processing and encoder
    /// threads keep them busy and the conversion is a small share of the job), then one per 4 cores, at most 3.
    static func helperThreads(cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        cores < 8 ? 0 : min(3, cores / 4)
    }

    /// Whether a frame is HDR (PQ or HLG transfer) and so would be converted.
    static func isHDR(_ frame: Frame) -> Bool { frame.hdrTransfer != nil }

    /// Convert an HDR frame to yuv420p BT.709 limited range (timestamps and aspect kept, HDR side data dropped).
    func convert(_ frame: Frame) throws -> Frame {
        guard let transfer = frame.hdrTransfer else {
            throw PipelineError.internalFailure("HDR conversion of a frame whose transfer is \(frame.transferName ?? "unknown")")
        }
        let source = try layout(frame)
        let depth = source.pixelFormat.bitDepth
        let lut = lut(for: frame, transfer: transfer, depth: depth)
        let width = frame.width, height = frame.height
        if output == nil || output!.width != width || output!.height != height {
            output = try FramePool(width: width, height: height, format: .yuv420p)
        }
        let out = try output!.frame()
        try out.copyProperties(from: frame)
        out.setColor(range: AVCOL_RANGE_MPEG, space: AVCOL_SPC_BT709, primaries: AVCOL_PRI_BT709, transfer: AVCOL_TRC_BT709)
        out.removeHDRSideData()

        func samples(_ p: Int) -> UnsafePointer<UInt16> {
            UnsafePointer(UnsafeRawPointer(source.data(p)!).assumingMemoryBound(to: UInt16.self))
        }
        let src = HDRLUT.Planes(y: samples(0), u: samples(1), v: samples(2),
                                yStride: source.linesize(0) / 2, uStride: source.linesize(1) / 2, vStride: source.linesize(2) / 2)
        let dst = HDRLUT.OutPlanes(y: out.data(0)!, u: out.data(1)!, v: out.data(2)!,
                                   yStride: out.linesize(0), uStride: out.linesize(1), vStride: out.linesize(2))
        let chromaRows = (height + 1) / 2
        let n = min(bands.helpers + 1, max(1, chromaRows / 16))
        bands.run(bands: n) { k in
            let r0 = chromaRows * k / n, r1 = chromaRows * (k + 1) / n
            lut.apply(src, dst, width: width, height: height, depth: depth, rows: r0..<r1)
        }
        withExtendedLifetime(source) {}
        return out
    }

    /// The frame as planar 4:2:0 with 16-bit samples (10 or 12 significant bits): as decoded when it already
    /// is, else through swscale with the matrix and range kept (YUV → YUV: swscale changes no colours).
    private func layout(_ frame: Frame) throws -> Frame {
        let f = frame.pixelFormat
        if Self.native.contains(f) { return frame }
        let target = f.bitDepth > 10 ? PixelFormat(name: "yuv420p12le")! : PixelFormat(name: "yuv420p10le")!
        let key = prep?.scaler.key
        if prep == nil || key?.srcWidth != frame.width || key?.srcHeight != frame.height || key?.srcFormat != f
            || key?.dstFormat != target || key?.srcFullRange != frame.isFullRange {
            guard f.isPlanarYUV || f.name.hasPrefix("p01") || f.name.hasPrefix("nv") || f.name.hasPrefix("p21") else {
                throw PipelineError.internalFailure("HDR conversion: unsupported pixel format \(f)")
            }
            let scaler = try Scaler(srcWidth: frame.width, srcHeight: frame.height, srcFormat: f,
                                    dstWidth: frame.width, dstHeight: frame.height, dstFormat: target, algorithm: .bicubic,
                                    srcFullRange: frame.isFullRange, srcColorSpace: frame.colorSpace,
                                    dstFullRange: frame.isFullRange)
            prep = (scaler, try Frame.video(width: frame.width, height: frame.height, format: target))
        }
        try prep!.scaler.scale(frame, into: prep!.frame)
        return prep!.frame
    }

    private static let native: Set<PixelFormat> = [PixelFormat(name: "yuv420p10le")!, PixelFormat(name: "yuv420p12le")!]

    /// The LUT for this frame's description. The peak comes from the container's metadata, else from the
    /// first frame that carries some (HEVC sends it with keyframes only: later frames must not switch LUTs).
    private func lut(for frame: Frame, transfer: HDRTransfer, depth: Int) -> HDRLUT {
        if frameMetadata == nil {
            let m = frame.hdrMetadata
            if !m.isEmpty { frameMetadata = m }
        }
        let metadata = streamMetadata.isEmpty ? (frameMetadata ?? HDRMetadata()) : streamMetadata
        let matrix: LumaCoefficients
        switch frame.colorSpace {
        case AVCOL_SPC_BT709: matrix = .bt709
        case AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M: matrix = .bt601
        default: matrix = .bt2020   // BT.2020 (non-constant luminance), or unspecified on an HDR source
        }
        let chain = HDRToSDR(transfer: transfer, primaries: frame.primaries == AVCOL_PRI_BT709 ? .bt709 : .bt2020,
                             matrix: matrix, fullRange: frame.isFullRange, bitDepth: depth,
                             sourcePeak: HDRToSDR.peak(transfer: transfer, metadata: metadata))
        if let lut, lut.chain == chain { return lut }
        let built = HDRLUT.shared(chain)
        lut = built
        return built
    }
}
