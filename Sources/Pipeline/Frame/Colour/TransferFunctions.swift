import Job
import Foundation

/// The transfer functions of the HDR → SDR chain, in double precision (they run once per LUT entry).
enum TransferFunctions {
    /// SMPTE ST 2084 EOTF: non-linear signal in [0, 1] → display light in nits (0 … 10 000).
    static func pqToNits(_ signal: Double) -> Double {
        let m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128
        let c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32
        let p = pow(max(signal, 0), 1 / m2)
        return 10000 * pow(max(p - c1, 0) / (c2 - c3 * p), 1 / m1)
    }

    /// Inverse of the PQ EOTF: nits → signal (used by tests and to place the tone curve's knee).
    static func nitsToPQ(_ nits: Double) -> Double {
        let m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128
        let c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32
        let y = pow(max(nits, 0) / 10000, m1)
        return pow((c1 + c2 * y) / (1 + c3 * y), m2)
    }

    private static let hlgA = 0.17883277
    private static let hlgB = 1 - 4 * hlgA
    private static let hlgC = 0.5 - hlgA * log(4 * hlgA)

    /// BT.2100 HLG inverse OETF: non-linear signal in [0, 1] → relative scene light in [0, 1].
    static func hlgToScene(_ signal: Double) -> Double {
        let e = min(max(signal, 0), 1)
        return e <= 0.5 ? e * e / 3 : (exp((e - hlgC) / hlgA) + hlgB) / 12
    }

    /// BT.2100 HLG OETF (the inverse of `hlgToScene`; used by tests).
    static func sceneToHLG(_ scene: Double) -> Double {
        let e = max(scene, 0)
        return e <= 1.0 / 12 ? (3 * e).squareRoot() : hlgA * log(12 * e - hlgB) + hlgC
    }

    /// The HLG system gamma for a display of `peak` nits (BT.2100: 1.2 at 1000 nits).
    static func hlgGamma(peak: Double) -> Double { 1.2 + 0.42 * log10(peak / 1000) }

    /// BT.1886 inverse EOTF with a zero black level: relative display light in [0, 1] → signal.
    static func bt1886Inverse(_ light: Double) -> Double { pow(min(max(light, 0), 1), 1 / 2.4) }
}

/// 3×3 matrices of the colour chain.
struct Matrix3: Equatable {
    var m: [Double]   // row-major

    static let identity = Matrix3(m: [1, 0, 0, 0, 1, 0, 0, 0, 1])

    func apply(_ v: (Double, Double, Double)) -> (Double, Double, Double) {
        (m[0] * v.0 + m[1] * v.1 + m[2] * v.2, m[3] * v.0 + m[4] * v.1 + m[5] * v.2, m[6] * v.0 + m[7] * v.1 + m[8] * v.2)
    }

    static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { r[i * 3 + j] += a.m[i * 3 + k] * b.m[k * 3 + j] } } }
        return Matrix3(m: r)
    }

    var inverse: Matrix3 {
        let a = m
        let c0 = a[4] * a[8] - a[5] * a[7], c1 = a[5] * a[6] - a[3] * a[8], c2 = a[3] * a[7] - a[4] * a[6]
        let det = a[0] * c0 + a[1] * c1 + a[2] * c2
        return Matrix3(m: [c0 / det, (a[2] * a[7] - a[1] * a[8]) / det, (a[1] * a[5] - a[2] * a[4]) / det,
                           c1 / det, (a[0] * a[8] - a[2] * a[6]) / det, (a[2] * a[3] - a[0] * a[5]) / det,
                           c2 / det, (a[1] * a[6] - a[0] * a[7]) / det, (a[0] * a[4] - a[1] * a[3]) / det])
    }

    /// Linear RGB → CIE XYZ for primaries (x, y) of red, green, blue and a white point.
    static func rgbToXYZ(r: (Double, Double), g: (Double, Double), b: (Double, Double), white: (Double, Double)) -> Matrix3 {
        func xyz(_ p: (Double, Double)) -> (Double, Double, Double) { (p.0 / p.1, 1, (1 - p.0 - p.1) / p.1) }
        let R = xyz(r), G = xyz(g), B = xyz(b), W = xyz(white)
        let p = Matrix3(m: [R.0, G.0, B.0, R.1, G.1, B.1, R.2, G.2, B.2])
        let s = p.inverse.apply(W)
        return Matrix3(m: [R.0 * s.0, G.0 * s.1, B.0 * s.2, R.1 * s.0, G.1 * s.1, B.1 * s.2, R.2 * s.0, G.2 * s.1, B.2 * s.2])
    }

    static let d65 = (0.3127, 0.3290)
    static let bt709ToXYZ = rgbToXYZ(r: (0.640, 0.330), g: (0.300, 0.600), b: (0.150, 0.060), white: d65)
    static let bt2020ToXYZ = rgbToXYZ(r: (0.708, 0.292), g: (0.170, 0.797), b: (0.131, 0.046), white: d65)
    /// Linear BT.2020 RGB → linear BT.709 RGB (BT.2087).
    static let bt2020ToBT709 = bt709ToXYZ.inverse * bt2020ToXYZ
}

/// Luma coefficients of a Y'CbCr matrix.
struct LumaCoefficients: Equatable, Hashable {
    var kr: Double
    var kb: Double
    var kg: Double { 1 - kr - kb }
    static let bt709 = LumaCoefficients(kr: 0.2126, kb: 0.0722)
    static let bt2020 = LumaCoefficients(kr: 0.2627, kb: 0.0593)
    static let bt601 = LumaCoefficients(kr: 0.299, kb: 0.114)

    /// Y' in [0, 1], Cb and Cr in [-0.5, 0.5] → R'G'B'.
    func rgb(y: Double, cb: Double, cr: Double) -> (Double, Double, Double) {
        let r = y + 2 * (1 - kr) * cr
        let b = y + 2 * (1 - kb) * cb
        let g = (y - kr * r - kb * b) / kg
        return (r, g, b)
    }

    /// R'G'B' → Y', Cb, Cr.
    func ycbcr(_ c: (Double, Double, Double)) -> (y: Double, cb: Double, cr: Double) {
        let y = kr * c.0 + kg * c.1 + kb * c.2
        return (y, (c.2 - y) / (2 * (1 - kb)), (c.0 - y) / (2 * (1 - kr)))
    }

    func luminance(_ c: (Double, Double, Double)) -> Double { kr * c.0 + kg * c.1 + kb * c.2 }
}
