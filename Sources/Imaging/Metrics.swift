import Foundation

/// Image comparison metrics on 8-bit planes.
public enum Metrics {
    /// Mean squared error of two same-sized planes (optionally only inside / outside a rectangle).
    public static func mse(_ a: Plane, _ b: Plane, excluding: (x: Int, y: Int, width: Int, height: Int)? = nil) -> Double {
        precondition(a.width == b.width && a.height == b.height, "planes differ in size")
        var sum: UInt64 = 0
        var count: UInt64 = 0
        for y in 0..<a.height {
            let ra = a.row(y), rb = b.row(y)
            var rowSum: UInt64 = 0
            var rowCount: UInt64 = 0
            for x in 0..<a.width {
                if let e = excluding, x >= e.x, x < e.x + e.width, y >= e.y, y < e.y + e.height { continue }
                let d = Int(ra[x]) - Int(rb[x])
                rowSum &+= UInt64(d * d)
                rowCount += 1
            }
            sum &+= rowSum
            count += rowCount
        }
        return count == 0 ? 0 : Double(sum) / Double(count)
    }

    /// PSNR in dB (peak 255); `.infinity` for identical planes.
    public static func psnr(_ a: Plane, _ b: Plane, excluding: (x: Int, y: Int, width: Int, height: Int)? = nil) -> Double {
        let m = mse(a, b, excluding: excluding)
        return m == 0 ? .infinity : 10.0 * log10(65025.0 / m)
    }

    /// Mean SSIM over 8×8 windows with a stride of 4 (the classic constants for 8-bit data); windows that
    /// touch `excluding` are left out.
    public static func ssim(_ a: Plane, _ b: Plane, excluding: (x: Int, y: Int, width: Int, height: Int)? = nil) -> Double {
        precondition(a.width == b.width && a.height == b.height, "planes differ in size")
        let c1: Double = 6.5025, c2: Double = 58.5225  // (0.01·255)², (0.03·255)²
        var total = 0.0
        var windows = 0
        var y = 0
        while y + 8 <= a.height {
            var x = 0
            while x + 8 <= a.width {
                if let e = excluding, x < e.x + e.width, x + 8 > e.x, y < e.y + e.height, y + 8 > e.y { x += 4; continue }
                var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
                for j in 0..<8 {
                    let ra = a.row(y + j) + x, rb = b.row(y + j) + x
                    for i in 0..<8 {
                        let va = Double(ra[i]), vb = Double(rb[i])
                        sa += va; sb += vb; saa += va * va; sbb += vb * vb; sab += va * vb
                    }
                }
                let n = 64.0
                let ma = sa / n, mb = sb / n
                let va = saa / n - ma * ma, vb = sbb / n - mb * mb, cov = sab / n - ma * mb
                total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
                windows += 1
                x += 4
            }
            y += 4
        }
        return windows == 0 ? 1 : total / Double(windows)
    }

    /// Mean and standard deviation of a plane's values (sampled on a grid for speed).
    public static func meanAndDeviation(_ p: Plane, step: Int = 2) -> (mean: Double, deviation: Double) {
        var s = 0.0, ss = 0.0, n = 0.0
        var y = 0
        while y < p.height {
            let r = p.row(y)
            var x = 0
            while x < p.width {
                let v = Double(r[x])
                s += v; ss += v * v; n += 1
                x += step
            }
            y += step
        }
        guard n > 0 else { return (0, 0) }
        let mean = s / n
        return (mean, max(0, ss / n - mean * mean).squareRoot())
    }
}
