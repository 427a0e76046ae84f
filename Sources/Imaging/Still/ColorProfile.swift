import CLCMS2

/// Colour management for stills (LittleCMS 2): pictures tagged with another RGB space (Display P3 from
/// phones, Adobe RGB from cameras, BT.2020) are converted to sRGB, the space every output is written in
/// (untagged, as browsers and the platforms assume).
public enum ColorProfile {
    /// lcms2's TYPE_RGBA_8: COLORSPACE_SH(PT_RGB) | EXTRA_SH(1) | CHANNELS_SH(3) | BYTES_SH(1) (a macro Swift
    /// cannot import).
    static let typeRGBA8: UInt32 = (4 << 16) | (1 << 7) | (3 << 3) | 1
    static let copyAlpha: UInt32 = 0x0400_0000 // cmsFLAGS_COPY_ALPHA

    /// The profile's description ("Display P3"), or nil when lcms cannot read it.
    public static func describe(_ icc: [UInt8]) -> String? {
        guard let profile = icc.withUnsafeBytes({ cmsOpenProfileFromMem($0.baseAddress, UInt32($0.count)) }) else { return nil }
        defer { cmsCloseProfile(profile) }
        return description(profile)
    }

    static func description(_ profile: cmsHPROFILE) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let n = cmsGetProfileInfoASCII(profile, cmsInfoDescription, "en", "US", &buffer, UInt32(buffer.count))
        guard n > 1 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Converts `image` from the space of the ICC profile `icc` to sRGB (perceptual intent, alpha kept).
    /// Returns the profile's description. An unreadable profile is an error (guessing the colours would
    /// publish them wrong); a profile of another kind than RGB (a CMYK or grey profile) is not applied.
    @discardableResult
    public static func convertToSRGB(_ image: inout RGBAImage, icc: [UInt8]) throws(ImagingError) -> String? {
        guard let source = icc.withUnsafeBytes({ cmsOpenProfileFromMem($0.baseAddress, UInt32($0.count)) }) else {
            throw .corrupt("the embedded ICC profile (\(icc.count) bytes) is unreadable")
        }
        defer { cmsCloseProfile(source) }
        let name = description(source)
        guard cmsGetColorSpace(source) == cmsSigRgbData else { return name }
        try transform(&image, from: source)
        return name
    }

    /// Converts `image` from an RGB space given by CIE xy primaries and white (with the sRGB curve, as
    /// HEIF's nclx "Display P3" and "BT.2020 with sRGB transfer" tag it) to sRGB.
    public static func convertToSRGB(_ image: inout RGBAImage, primaries: [(Double, Double)], white: (Double, Double)) throws(ImagingError) {
        let source = try rgbProfile(primaries: primaries, white: white)
        defer { cmsCloseProfile(source) }
        try transform(&image, from: source)
    }

    /// An ICC profile (bytes) for an RGB space with the sRGB curve: how tests and the samples script make a
    /// Display P3 picture to convert.
    public static func iccData(primaries: [(Double, Double)], white: (Double, Double)) throws(ImagingError) -> [UInt8] {
        let profile = try rgbProfile(primaries: primaries, white: white)
        defer { cmsCloseProfile(profile) }
        var size: UInt32 = 0
        guard cmsSaveProfileToMem(profile, nil, &size) != 0, size > 0 else { throw .outOfMemory() }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        guard cmsSaveProfileToMem(profile, &bytes, &size) != 0 else { throw .outOfMemory() }
        return bytes
    }

    /// Display P3's primaries (SMPTE EG 432-1, D65).
    public static let displayP3: [(Double, Double)] = [(0.680, 0.320), (0.265, 0.690), (0.150, 0.060)]

    static func rgbProfile(primaries: [(Double, Double)], white: (Double, Double)) throws(ImagingError) -> cmsHPROFILE {
        guard primaries.count == 3 else { throw .invalidArgument("three primaries") }
        var wp = cmsCIExyY(x: white.0, y: white.1, Y: 1)
        var p = cmsCIExyYTRIPLE(Red: cmsCIExyY(x: primaries[0].0, y: primaries[0].1, Y: 1),
                                Green: cmsCIExyY(x: primaries[1].0, y: primaries[1].1, Y: 1),
                                Blue: cmsCIExyY(x: primaries[2].0, y: primaries[2].1, Y: 1))
        // The sRGB curve as lcms's parametric type 4: Y = (aX + b)^γ for X ≥ d, else cX.
        var params: [Double] = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]
        guard let curve = cmsBuildParametricToneCurve(nil, 4, &params) else { throw .outOfMemory() }
        defer { cmsFreeToneCurve(curve) }
        var curves: [OpaquePointer?] = [curve, curve, curve]
        guard let source = cmsCreateRGBProfile(&wp, &p, &curves) else { throw .outOfMemory() }
        return source
    }

    private static func transform(_ image: inout RGBAImage, from source: cmsHPROFILE) throws(ImagingError) {
        guard let srgb = cmsCreate_sRGBProfile() else { throw .outOfMemory() }
        defer { cmsCloseProfile(srgb) }
        guard let t = cmsCreateTransform(source, typeRGBA8, srgb, typeRGBA8, UInt32(INTENT_PERCEPTUAL), copyAlpha) else {
            throw .corrupt("LittleCMS cannot convert this ICC profile to sRGB")
        }
        defer { cmsDeleteTransform(t) }
        let count = image.width * image.height
        image.pixels.withUnsafeMutableBytes { raw in
            // In place: lcms allows it when both formats are the same.
            cmsDoTransform(t, raw.baseAddress, raw.baseAddress, UInt32(count))
        }
    }
}
