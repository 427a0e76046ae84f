import CFFmpeg

/// Owns one `SwsContext`. Not shared between threads: each worker thread builds its own.
public final class Scaler {
    public enum Algorithm: Sendable {
        case fastBilinear, bilinear, bicubic, lanczos, area
        var flags: Int64 {
            switch self {
            case .fastBilinear: return Int64(SWS_FAST_BILINEAR)
            case .bilinear: return Int64(SWS_BILINEAR)
            case .bicubic: return Int64(SWS_BICUBIC)
            case .lanczos: return Int64(SWS_LANCZOS)
            case .area: return Int64(SWS_AREA)
            }
        }
    }

    public struct Key: Hashable, Sendable {
        public var srcWidth: Int, srcHeight: Int, srcFormat: PixelFormat
        public var dstWidth: Int, dstHeight: Int, dstFormat: PixelFormat
        public var srcFullRange: Bool, srcColorSpace: Int32, dstFullRange: Bool
    }

    private let context: OpaquePointer
    public let key: Key

    /// - Parameters:
    ///   - srcColorSpace: the source's matrix (`AVColorSpace`); unspecified means BT.601 below 720 lines,
    ///     BT.709 from 720 up. The destination uses the same matrix (YUV → YUV keeps colours) or,
    ///     for RGB destinations, the conversion uses the source matrix.
    ///   - threads: swscale's own threads (`sws_alloc_context` + the "threads" option + `sws_init_context`).
    public init(srcWidth: Int, srcHeight: Int, srcFormat: PixelFormat,
                dstWidth: Int, dstHeight: Int, dstFormat: PixelFormat,
                algorithm: Algorithm = .bicubic, srcFullRange: Bool = false,
                srcColorSpace: AVColorSpace = AVCOL_SPC_UNSPECIFIED, dstFullRange: Bool? = nil,
                threads: Int = 1) throws(MediaError) {
        guard srcWidth > 0, srcHeight > 0, dstWidth > 0, dstHeight > 0 else {
            throw MediaError.invalidArgument("create scaler", "sizes \(srcWidth)×\(srcHeight) → \(dstWidth)×\(dstHeight) must be positive")
        }
        guard let ctx = sws_alloc_context() else { throw MediaError.outOfMemory("allocate scaler") }
        let raw = UnsafeMutableRawPointer(ctx)
        av_opt_set_int(raw, "srcw", Int64(srcWidth), 0)
        av_opt_set_int(raw, "srch", Int64(srcHeight), 0)
        av_opt_set_int(raw, "src_format", Int64(srcFormat.rawValue), 0)
        av_opt_set_int(raw, "dstw", Int64(dstWidth), 0)
        av_opt_set_int(raw, "dsth", Int64(dstHeight), 0)
        av_opt_set_int(raw, "dst_format", Int64(dstFormat.rawValue), 0)
        // Accurate rounding and full chroma interpolation only matter when converting to RGB (thumbnails);
        // YUV → YUV uses the plain algorithm, as FFmpeg's scale filter does.
        let toRGB = dstFormat == .rgba || dstFormat == .rgb24
        let extra = toRGB ? Int64(SWS_ACCURATE_RND) | Int64(SWS_FULL_CHR_H_INT) : 0
        av_opt_set_int(raw, "sws_flags", algorithm.flags | extra, 0)
        av_opt_set_int(raw, "threads", Int64(threads), 0)
        let code = sws_init_context(ctx, nil, nil)
        if code < 0 {
            sws_freeContext(ctx)
            throw MediaError.ffmpeg(code, "create scaler \(srcFormat) \(srcWidth)×\(srcHeight) → \(dstFormat) \(dstWidth)×\(dstHeight)", file: nil)
        }
        context = ctx
        let dstFull = dstFullRange ?? (dstFormat == .rgba || dstFormat == .rgb24 || dstFormat == .gray && srcFullRange)
        key = Key(srcWidth: srcWidth, srcHeight: srcHeight, srcFormat: srcFormat, dstWidth: dstWidth,
                  dstHeight: dstHeight, dstFormat: dstFormat, srcFullRange: srcFullRange,
                  srcColorSpace: Int32(srcColorSpace.rawValue), dstFullRange: dstFull)
        let matrix = Self.swsMatrix(srcColorSpace, height: srcHeight)
        let coefficients = sws_getCoefficients(matrix)
        sws_setColorspaceDetails(ctx, coefficients, srcFullRange ? 1 : 0, coefficients, dstFull ? 1 : 0, 0, 1 << 16, 1 << 16)
    }

    deinit { sws_freeContext(context) }

    static func swsMatrix(_ space: AVColorSpace, height: Int) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: return SWS_CS_ITU709
        case AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601
        case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020
        case AVCOL_SPC_FCC: return SWS_CS_FCC
        default: return height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601
        }
    }

    /// Scale all of `source` into `destination` (which must have the destination size and format).
    public func scale(_ source: Frame, into destination: Frame) throws(MediaError) {
        let code = sws_scale_frame(context, destination.pointer, source.pointer)
        try check(code, "scale \(key.srcWidth)×\(key.srcHeight) → \(key.dstWidth)×\(key.dstHeight)")
    }

    /// Scale `source` into raw destination planes (a sub-rectangle of a bigger frame, an image buffer).
    public func scale(_ source: Frame, into planes: [UnsafeMutablePointer<UInt8>?], strides: [Int]) throws(MediaError) {
        let srcData = mw_frame_const_data_array(source.pointer)
        let srcStrides = mw_frame_linesize_array(source.pointer)
        try scaleRaw(srcData, srcStrides, height: source.height, planes, strides)
    }

    /// Scale between raw planes.
    public func scale(planes src: [UnsafeMutablePointer<UInt8>?], strides srcStrides: [Int], height: Int,
                      into planes: [UnsafeMutablePointer<UInt8>?], strides: [Int]) throws(MediaError) {
        var s = src.map { UnsafePointer($0) } + Array(repeating: nil, count: max(0, 4 - src.count))
        var ss = srcStrides.map { Int32($0) } + Array(repeating: 0, count: max(0, 4 - srcStrides.count))
        try s.withUnsafeMutableBufferPointer { (sp) throws(MediaError) in
            try ss.withUnsafeMutableBufferPointer { (ssp) throws(MediaError) in
                try scaleRaw(sp.baseAddress, ssp.baseAddress, height: height, planes, strides)
            }
        }
    }

    private func scaleRaw(_ srcData: UnsafePointer<UnsafePointer<UInt8>?>?, _ srcStrides: UnsafePointer<Int32>?, height: Int,
                          _ planes: [UnsafeMutablePointer<UInt8>?], _ strides: [Int]) throws(MediaError) {
        var dst = planes + Array(repeating: nil, count: max(0, 4 - planes.count))
        var dstStrides = strides.map { Int32($0) } + Array(repeating: 0, count: max(0, 4 - strides.count))
        let code = dst.withUnsafeMutableBufferPointer { d in
            dstStrides.withUnsafeMutableBufferPointer { s in
                sws_scale(context, srcData, srcStrides, 0, Int32(height), d.baseAddress, s.baseAddress)
            }
        }
        try check(code, "scale \(key.srcWidth)×\(key.srcHeight) → \(key.dstWidth)×\(key.dstHeight)")
    }
}

extension Frame {
    /// A reference to this frame with `rect` cropped out (pointers moved, no copy).
    public func cropped(x: Int, y: Int, width: Int, height: Int) throws(MediaError) -> Frame {
        let ref = try reference()
        guard x >= 0, y >= 0, width > 0, height > 0, x + width <= self.width, y + height <= self.height else {
            throw MediaError.invalidArgument("crop frame", "rectangle \(x),\(y) \(width)×\(height) is outside \(self.width)×\(self.height)")
        }
        if x == 0, y == 0, width == self.width, height == self.height { return ref }
        ref.pointer.pointee.crop_left = Int(x)
        ref.pointer.pointee.crop_top = Int(y)
        ref.pointer.pointee.crop_right = Int(self.width - x - width)
        ref.pointer.pointee.crop_bottom = Int(self.height - y - height)
        try check(av_frame_apply_cropping(ref.pointer, Int32(AV_FRAME_CROP_UNALIGNED)), "crop frame")
        return ref
    }
}
