import CHeif

/// HEIF/HEIC (iPhones since iOS 11) and AVIF stills, decoded with libheif (HEVC through libde265, AV1 through
/// dav1d). libheif applies the container's rotation and mirror (irot, imir), so the picture comes out upright;
/// EXIF orientation in a HEIF file is informative only (the HEIF spec says so) and is not applied again.
public enum HEIF {
    public struct Decoded: Sendable {
        public var image: RGBAImage
        public var hasAlpha: Bool
        public var icc: [UInt8]?
        /// nclx colour primaries (ITU-T H.273: 1 BT.709/sRGB, 9 BT.2020, 12 Display P3) when tagged so.
        public var nclxPrimaries: Int?
    }

    public static func decode(_ bytes: [UInt8], limits: StillLimits = .default) throws(ImagingError) -> Decoded {
        guard bytes.count <= limits.maxFileBytes else { throw .fileTooLarge(bytes: bytes.count, limit: limits.maxFileBytes, path: nil) }
        guard let ctx = heif_context_alloc() else { throw .outOfMemory() }
        defer { heif_context_free(ctx) }
        heif_context_set_maximum_image_size_limit(ctx, Int32(clamping: max(limits.maxWidth, limits.maxHeight)))
        // A grid image is one item per tile, each an HEVC decode: thousands of tiny tiles would cost far more
        // than their pixels. libheif 1.15 has no item limit, so the item count is read from the file first.
        if let items = itemCount(bytes), items > limits.maxItems {
            throw .partTooLarge(limit: .items(limits.maxItems), detail: "a HEIF file with \(items) items: tiles, thumbnails, metadata")
        }
        var result: Result<Decoded, ImagingError> = .failure(.corrupt("empty HEIF"))
        bytes.withUnsafeBytes { raw in
            result = Result { () throws(ImagingError) -> Decoded in
                try check(heif_context_read_from_memory_without_copy(ctx, raw.baseAddress, raw.count, nil), "read")
                var handle: OpaquePointer?
                try check(heif_context_get_primary_image_handle(ctx, &handle), "primary image")
                guard let handle else { throw .corrupt("libheif: no primary image") }
                defer { heif_image_handle_release(handle) }
                return try decode(handle, limits: limits)
            }
        }
        return try result.get()
    }

    private static func decode(_ handle: OpaquePointer, limits: StillLimits) throws(ImagingError) -> Decoded {
        let w = Int(heif_image_handle_get_width(handle)), h = Int(heif_image_handle_get_height(handle))
        let iw = Int(heif_image_handle_get_ispe_width(handle)), ih = Int(heif_image_handle_get_ispe_height(handle))
        for (a, b) in [(w, h), (iw, ih)] {
            guard a > 0, b > 0 else { throw .corrupt("libheif: the primary image has no size") }
            if a > limits.maxWidth { throw .tooLarge(width: a, height: b, limit: .width(limits.maxWidth)) }
            if b > limits.maxHeight { throw .tooLarge(width: a, height: b, limit: .height(limits.maxHeight)) }
            if a * b > limits.maxPixels { throw .tooLarge(width: a, height: b, limit: .pixels(limits.maxPixels)) }
        }
        let alpha = heif_image_handle_has_alpha_channel(handle) != 0
        var icc: [UInt8]?
        var primaries: Int?
        switch heif_image_handle_get_color_profile_type(handle) {
        case heif_color_profile_type_prof, heif_color_profile_type_rICC:
            let size = heif_image_handle_get_raw_color_profile_size(handle)
            guard size <= limits.maxProfileBytes else {
                throw .chunkTooLarge(limit: limits.maxProfileBytes, detail: "the ICC profile is \(size) bytes")
            }
            var profile = [UInt8](repeating: 0, count: size)
            try check(profile.withUnsafeMutableBytes { heif_image_handle_get_raw_color_profile(handle, $0.baseAddress) }, "ICC profile")
            icc = profile
        case heif_color_profile_type_nclx:
            var nclx: UnsafeMutablePointer<heif_color_profile_nclx>?
            if heif_image_handle_get_nclx_color_profile(handle, &nclx).code == heif_error_Ok, let nclx {
                primaries = Int(nclx.pointee.color_primaries.rawValue)
                heif_nclx_color_profile_free(nclx)
            }
        default: break
        }
        var image: OpaquePointer?
        try check(heif_decode_image(handle, &image, heif_colorspace_RGB, heif_chroma_interleaved_RGBA, nil), "decode")
        guard let image else { throw .corrupt("libheif: no image decoded") }
        defer { heif_image_release(image) }
        let dw = Int(heif_image_get_width(image, heif_channel_interleaved))
        let dh = Int(heif_image_get_height(image, heif_channel_interleaved))
        var stride: Int32 = 0
        guard dw > 0, dh > 0, dw * dh <= limits.maxPixels,
              let plane = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride), Int(stride) >= dw * 4 else {
            throw .corrupt("libheif: the decoded image has no RGBA plane")
        }
        var pixels = [UInt8](repeating: 0, count: dw * dh * 4)
        pixels.withUnsafeMutableBytes { out in
            for y in 0..<dh {
                (out.baseAddress! + y * dw * 4).copyMemory(from: plane + y * Int(stride), byteCount: dw * 4)
            }
        }
        return Decoded(image: try RGBAImage(width: dw, height: dh, pixels: pixels), hasAlpha: alpha, icc: icc, nclxPrimaries: primaries)
    }

    /// The entry count of the `iinf` box inside the top-level `meta` box (ISO/IEC 14496-12 and 23008-12), or nil
    /// when the boxes cannot be walked (libheif then reports the file's fault itself).
    public static func itemCount(_ b: [UInt8]) -> Int? {
        func u32(_ i: Int) -> Int? { i + 4 <= b.count ? Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) : nil }
        func type(_ i: Int) -> String { i + 8 <= b.count ? String(decoding: b[i + 4..<i + 8], as: UTF8.self) : "" }
        /// The boxes from `start` to `end`: (offset of the box, offset of its body, its end).
        func boxes(_ start: Int, _ end: Int) -> [(Int, Int, Int)] {
            var out: [(Int, Int, Int)] = []
            var at = start
            while at + 8 <= end, out.count < 10_000, var size = u32(at) {
                var header = 8
                if size == 1 {
                    guard let hi = u32(at + 8), let lo = u32(at + 12) else { break }
                    size = hi << 32 | lo
                    header = 16
                } else if size == 0 {
                    size = end - at
                }
                guard size >= header, at + size <= end else { break }
                out.append((at, at + header, at + size))
                at += size
            }
            return out
        }
        guard let meta = boxes(0, b.count).first(where: { type($0.0) == "meta" }) else { return nil }
        // meta is a FullBox: 4 bytes of version and flags before its children.
        guard let iinf = boxes(meta.1 + 4, meta.2).first(where: { type($0.0) == "iinf" }), iinf.1 + 6 <= iinf.2 else { return nil }
        let version = b[iinf.1]
        if version == 0 { return Int(b[iinf.1 + 4]) << 8 | Int(b[iinf.1 + 5]) }
        return u32(iinf.1 + 4)
    }

    private static func check(_ e: heif_error, _ step: String) throws(ImagingError) {
        guard e.code != heif_error_Ok else { return }
        let message = e.message.map { String(cString: $0) } ?? "error \(e.code.rawValue)"
        if e.code == heif_error_Memory_allocation_error { throw .outOfMemory() }
        throw .corrupt("libheif (\(step)): \(message)")
    }
}
