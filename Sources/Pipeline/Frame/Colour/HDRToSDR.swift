import Job
import Foundation
import Media

/// The whole HDR → SDR chain for one source description, evaluated per input code value in double precision:
///
///     Y'CbCr (source matrix and range) → R'G'B' → linear display light in nits
///       (PQ: the ST 2084 EOTF; HLG: the inverse OETF, then the OOTF for a nominal 1000-nit display,
///       system gamma 1.2 — per channel by default, as zimg/ffmpeg's zscale do; see `HLGOOTF`)
///     → relative to SDR reference white (100 nits = 1.0, as ffmpeg's `zscale=npl=100`)
///     → BT.2020 → BT.709 primaries (linear) → soft gamut compression toward the luminance axis
///     → Möbius tone curve on max(R, G, B) (hue-preserving) from the source peak down to 1.0
///     → BT.1886 inverse EOTF (gamma 1/2.4) → BT.709 Y'CbCr, limited range, in 8-bit code units.
///
/// `HDRLUT` samples it on a grid; nothing here runs per pixel.
struct HDRToSDR: Hashable, Sendable {
    enum Primaries: Hashable, Sendable { case bt2020, bt709 }
    /// How the HLG OOTF (scene → display light, gamma 1.2 at 1000 nits) is applied.
    /// - `perChannel`: E_d = E_s^γ on R, G and B — what zimg (ffmpeg's zscale) and so the ffmpeg CLI's HDR
    ///   tools do. It is the default so that our output matches theirs, and an SDR picture taken to HLG with
    ///   them comes back with its saturation (0.99×; BT.2100's form gives 0.75× on colour bars).
    /// - `luminance`: BT.2100's form, E_d = Y_s^(γ−1) · E_s: keeps scene chromaticity, slightly less saturated.
    enum HLGOOTF: Hashable, Sendable { case perChannel, luminance }

    var transfer: HDRTransfer
    var primaries: Primaries
    var matrix: LumaCoefficients
    var fullRange: Bool
    var bitDepth: Int
    /// The brightest the source gets, nits (the tone curve maps it to SDR peak white).
    var sourcePeak: Double
    var hlgOOTF: HLGOOTF = .perChannel

    /// SDR reference white in the HDR signal, nits: 100, the convention of ffmpeg's zscale (`npl=100`) and
    /// of BT.1886 displays.
    static let referenceWhite = 100.0
    /// HLG's nominal display peak (BT.2100's reference, gamma 1.2).
    static let hlgDisplayPeak = 1000.0
    /// Below this (relative to reference white) the tone curve is the identity: 0.5 is 50 nits, 73 % on the
    /// SDR signal, so faces and mid-tones keep their SDR levels and only highlights are compressed.
    static let knee = 0.5
    /// Out-of-gamut compression starts at this share of the distance from grey to the gamut boundary.
    static let gamutKnee = 0.95

    /// The peak the tone curve starts from for a source: HLG's nominal display; PQ's metadata (MaxCLL,
    /// else the mastering display peak), else 1000 nits; never below reference white.
    static func peak(transfer: HDRTransfer, metadata: HDRMetadata) -> Double {
        switch transfer {
        case .hlg: return hlgDisplayPeak
        case .pq: return min(10000, max(referenceWhite, metadata.peakNits ?? 1000))
        }
    }

    /// Normalised code values (code / (2^depth − 1)) → output Y', Cb, Cr in 8-bit limited-range code units
    /// (unrounded: the kernel dithers).
    func map(y: Double, cb: Double, cr: Double) -> (Double, Double, Double) {
        Self.encode(mapLinear(y: y, cb: cb, cr: cr))
    }

    /// Linear BT.709 RGB in [0, 1] → BT.709 Y'CbCr, limited range, 8-bit code units (BT.1886 inverse EOTF).
    static func encode(_ light: (Double, Double, Double)) -> (Double, Double, Double) {
        let out = (TransferFunctions.bt1886Inverse(light.0), TransferFunctions.bt1886Inverse(light.1),
                   TransferFunctions.bt1886Inverse(light.2))
        let ycc = LumaCoefficients.bt709.ycbcr(out)
        return (16 + 219 * ycc.y, 128 + 224 * ycc.cb, 128 + 224 * ycc.cr)
    }

    /// Normalised code values → tone-mapped linear BT.709 RGB in [0, 1]: what the LUT stores. Linear light
    /// interpolates well where the gamma-encoded output would not: x^(1/2.4) is infinitely steep at 0, which is
    /// exactly where saturated colours (one channel at 0) sit.
    func mapLinear(y: Double, cb: Double, cr: Double) -> (Double, Double, Double) {
        let maxCode = Double((1 << bitDepth) - 1)
        let (yv, cbv, crv): (Double, Double, Double)
        if fullRange {
            yv = y
            cbv = (cb * maxCode - Double(1 << (bitDepth - 1))) / maxCode
            crv = (cr * maxCode - Double(1 << (bitDepth - 1))) / maxCode
        } else {
            let unit = Double(1 << (bitDepth - 8))
            yv = (y * maxCode / unit - 16) / 219
            cbv = (cb * maxCode / unit - 128) / 224
            crv = (cr * maxCode / unit - 128) / 224
        }
        // R'G'B' outside [0, 1] (code combinations no valid picture has, but LUT grid points next to valid
        // colours) go through the transfer functions' smooth extensions, not a clamp: a clamp would bend the
        // function inside the cells that straddle the cube's edge and spoil the interpolation of saturated colours.
        let signal = matrix.rgb(y: yv, cb: cbv, cr: crv)
        var light = linear(signal)
        if primaries == .bt2020 { light = Matrix3.bt2020ToBT709.apply(light) }
        light = compressGamut(light)
        light = toneMap(light)
        return (min(max(light.0, 0), 1), min(max(light.1, 0), 1), min(max(light.2, 0), 1))
    }

    /// Non-linear R'G'B' → linear light relative to reference white, in the source primaries.
    func linear(_ e: (Double, Double, Double)) -> (Double, Double, Double) {
        switch transfer {
        case .pq:
            let w = Self.referenceWhite
            func pq(_ v: Double) -> Double { Self.extended(v, TransferFunctions.pqToNits) / w }
            return (pq(e.0), pq(e.1), pq(e.2))
        case .hlg:
            func scene(_ v: Double) -> Double { Self.extended(v, TransferFunctions.hlgToScene) }
            let s = (scene(e.0), scene(e.1), scene(e.2))
            let gamma = TransferFunctions.hlgGamma(peak: Self.hlgDisplayPeak)
            if hlgOOTF == .perChannel {
                let g = Self.hlgDisplayPeak / Self.referenceWhite
                func ootf(_ v: Double) -> Double { v < 0 ? -g * pow(-v, gamma) : g * pow(v, gamma) }
                return (ootf(s.0), ootf(s.1), ootf(s.2))
            }
            // BT.2100: the OOTF works on scene luminance in the signal's own primaries.
            let k = primaries == .bt2020 ? LumaCoefficients.bt2020 : LumaCoefficients.bt709
            let ys = k.luminance(s)
            let gain = ys > 0 ? Self.hlgDisplayPeak * pow(ys, gamma - 1) / Self.referenceWhite : 0
            return (s.0 * gain, s.1 * gain, s.2 * gain)
        }
    }

    /// Pull colours outside (or at the edge of) BT.709 toward grey of the same luminance, smoothly: the
    /// share d of the way from grey to the gamut boundary (1 at the boundary) is kept below `gamutKnee`, and
    /// compressed above it so that every d (however far out) ends inside. Moving toward grey keeps the hue,
    /// where clipping each channel at 0 would shift it.
    func compressGamut(_ c: (Double, Double, Double)) -> (Double, Double, Double) {
        let y = LumaCoefficients.bt709.luminance(c)
        guard y > 0 else { return (0, 0, 0) }
        let lowest = min(c.0, c.1, c.2)
        guard lowest < y else { return c }
        let d = (y - lowest) / y      // 1 where the lowest channel reaches 0
        let k = Self.gamutKnee
        guard d > k else { return c }
        let compressed = k + (1 - k) * tanh((d - k) / (1 - k))
        let s = compressed / d
        return (y + s * (c.0 - y), y + s * (c.1 - y), y + s * (c.2 - y))
    }

    /// The Möbius curve (as in mpv and ffmpeg's `tonemap=mobius`) on the largest channel, scaling all three
    /// by the same factor so the hue and the channel ratios stay: identity up to `knee`, then a smooth (C1)
    /// roll-off that reaches 1.0 exactly at the source peak.
    func toneMap(_ c: (Double, Double, Double)) -> (Double, Double, Double) {
        let m = max(c.0, c.1, c.2)
        guard m > Self.knee else { return c }
        let peak = sourcePeak / Self.referenceWhite
        let mapped = peak > 1 ? Self.mobius(m, knee: Self.knee, peak: peak) : min(m, 1)
        let s = mapped / m
        return (c.0 * s, c.1 * s, c.2 * s)
    }

    static func mobius(_ x: Double, knee j: Double, peak: Double) -> Double {
        guard x > j else { return x }
        let a = -j * j * (peak - 1) / (j * j - 2 * j + peak)
        let b = (j * j - 2 * j * peak + peak) / max(1e-6, peak - 1)
        return min(1, (b * b + 2 * b * j + j * j) / (b - a) * (x + a) / (x + b))
    }

    /// A transfer function defined on [0, 1], extended oddly below 0 and along its tangent above 1.
    static func extended(_ v: Double, _ f: (Double) -> Double) -> Double {
        if v < 0 { return -f(-v) }
        if v <= 1 { return f(v) }
        let h = 1e-4
        return f(1) + (f(1) - f(1 - h)) / h * (v - 1)
    }
}
