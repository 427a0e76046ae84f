import Foundation
import Media
@testable import Pipeline
import Testing

/// The HDR → SDR chain and its LUT, without media files.
@Suite struct HDRLUTTests {
    static let chains: [HDRToSDR] = [
        HDRToSDR(transfer: .hlg, primaries: .bt2020, matrix: .bt2020, fullRange: false, bitDepth: 10, sourcePeak: 1000),
        HDRToSDR(transfer: .pq, primaries: .bt2020, matrix: .bt2020, fullRange: false, bitDepth: 10, sourcePeak: 1000),
        HDRToSDR(transfer: .pq, primaries: .bt2020, matrix: .bt2020, fullRange: false, bitDepth: 10, sourcePeak: 4000),
    ]

    @Test func transferFunctionsRoundTrip() {
        for nits in [0.01, 1, 100, 203, 1000, 10000] {
            #expect(abs(TransferFunctions.pqToNits(TransferFunctions.nitsToPQ(nits)) - nits) < nits * 1e-9 + 1e-9)
        }
        for e in stride(from: 0.0, through: 1.0, by: 0.05) {
            #expect(abs(TransferFunctions.hlgToScene(TransferFunctions.sceneToHLG(e)) - e) < 1e-9)
        }
        // BT.2100: HLG 0.75 is 203 nits on a 1000-nit display (reference white); PQ 0.58 is 203 nits too.
        let chain = Self.chains[0]
        let white = chain.linear((0.75, 0.75, 0.75))
        #expect(abs(white.0 * HDRToSDR.referenceWhite - 203) < 2)
        #expect(abs(TransferFunctions.nitsToPQ(203) - 0.58) < 0.005)
    }

    @Test func bt2020ToBT709MatchesBT2087() {
        let m = Matrix3.bt2020ToBT709.m
        let want = [1.6605, -0.5876, -0.0728, -0.1246, 1.1329, -0.0083, -0.0182, -0.1006, 1.1187]
        for i in 0..<9 { #expect(abs(m[i] - want[i]) < 1e-3) }
    }

    @Test func toneCurveIsIdentityBelowTheKneeAndReachesWhiteAtThePeak() {
        for peak in [2.0, 10, 40] {
            #expect(HDRToSDR.mobius(0.4, knee: 0.5, peak: peak) == 0.4)
            #expect(abs(HDRToSDR.mobius(peak, knee: 0.5, peak: peak) - 1) < 1e-9)
            var last = 0.0
            for x in stride(from: 0.0, through: peak, by: peak / 500) {
                let y = HDRToSDR.mobius(x, knee: 0.5, peak: peak)
                #expect(y >= last)
                last = y
            }
        }
    }

    @Test func gamutCompressionKeepsHueAndEndsInside() {
        let chain = Self.chains[0]
        // Pure BT.2020 green is far outside BT.709.
        let c = chain.compressGamut(Matrix3.bt2020ToBT709.apply((0, 0.5, 0)))
        #expect(min(c.0, c.1, c.2) >= 0)
        #expect(c.1 > c.0 && c.1 > c.2)
        let grey = chain.compressGamut((0.3, 0.3, 0.3))
        #expect(grey == (0.3, 0.3, 0.3))
    }

    /// The LUT against the chain it samples, over valid Y'CbCr (inside the R'G'B' cube), in 8-bit output codes
    /// (largest channel error). Trilinear interpolation is close almost everywhere (mean about half a code) but
    /// not at the few points where the gamut compression or the tone curve's max() bends within a cell
    /// (the largest errors, 11–20 codes, are there; the 99th percentile is 5–8): the margins are on the mean and
    /// the 99th percentile.
    @Test(arguments: 0..<3)
    func lutMatchesTheChain(_ i: Int) {
        let chain = Self.chains[i]
        let lut = HDRLUT(chain)
        var rng = SystemRandomNumberGenerator()
        var errors: [Double] = []
        while errors.count < 4000 {
            let y = Double.random(in: 64...940, using: &rng), cb = Double.random(in: 64...960, using: &rng)
            let cr = Double.random(in: 64...960, using: &rng)
            let rgb = LumaCoefficients.bt2020.rgb(y: (y - 64) / 876, cb: (cb - 512) / 896, cr: (cr - 512) / 896)
            guard [rgb.0, rgb.1, rgb.2].allSatisfy({ (0.02...0.98).contains($0) }) else { continue }
            let want = chain.map(y: y / 1023, cb: cb / 1023, cr: cr / 1023)
            let got = lut.lookup(y: y / 1023, cb: cb / 1023, cr: cr / 1023)
            errors.append(max(abs(want.0 - got.0), abs(want.1 - got.1), abs(want.2 - got.2)))
        }
        errors.sort()
        let mean = errors.reduce(0, +) / Double(errors.count), p99 = errors[errors.count * 99 / 100]
        print(String(format: "HDR LUT %@ peak %.0f: mean error %.3f, median %.3f, 99th percentile %.3f, max %.3f (8-bit codes)",
                     chain.transfer.rawValue, chain.sourcePeak, mean, errors[errors.count / 2], p99, errors.last!))
        #expect(mean < 0.75)
        #expect(p99 < 10)
    }

    /// The per-pixel kernel on a picture with odd width and height (blocks cut by the right and bottom edges)
    /// and padded strides: each 2×2 block is one flat colour, so every output sample must be the LUT's answer
    /// for that colour (`lookup`, which interpolates the same grid; within the ±½ dither and the kernel's
    /// luma, interpolated from the exact luma of the grid points), the cut blocks' included, and nothing
    /// outside the picture is written.
    @Test func kernelConvertsEveryBlockOfAnOddSizedPicture() {
        let chain = Self.chains[0]
        let lut = HDRLUT(chain)
        let width = 7, height = 5, cw = 4, ch = 3
        let yStride = 9, cStride = 6, oyStride = 10, ocStride = 7
        var ySrc = [UInt16](repeating: 0, count: yStride * height)
        var uSrc = [UInt16](repeating: 0, count: cStride * ch), vSrc = uSrc
        var colours: [(Double, Double, Double)] = []
        var rng = SystemRandomNumberGenerator()
        while colours.count < cw * ch {
            let y = Double(Int.random(in: 64...940, using: &rng)), cb = Double(Int.random(in: 64...960, using: &rng))
            let cr = Double(Int.random(in: 64...960, using: &rng))
            let rgb = LumaCoefficients.bt2020.rgb(y: (y - 64) / 876, cb: (cb - 512) / 896, cr: (cr - 512) / 896)
            guard [rgb.0, rgb.1, rgb.2].allSatisfy({ (0.05...0.95).contains($0) }) else { continue }
            colours.append((y, cb, cr))
        }
        for cy in 0..<ch { for cx in 0..<cw {
            let c = colours[cy * cw + cx]
            uSrc[cy * cStride + cx] = UInt16(c.1); vSrc[cy * cStride + cx] = UInt16(c.2)
            for y in 2 * cy..<min(2 * cy + 2, height) { for x in 2 * cx..<min(2 * cx + 2, width) { ySrc[y * yStride + x] = UInt16(c.0) } }
        } }
        let sentinel: UInt8 = 0xA5
        var yOut = [UInt8](repeating: sentinel, count: oyStride * height)
        var uOut = [UInt8](repeating: sentinel, count: ocStride * ch), vOut = uOut
        ySrc.withUnsafeBufferPointer { y in uSrc.withUnsafeBufferPointer { u in vSrc.withUnsafeBufferPointer { v in
        yOut.withUnsafeMutableBufferPointer { oy in uOut.withUnsafeMutableBufferPointer { ou in vOut.withUnsafeMutableBufferPointer { ov in
            let src = HDRLUT.Planes(y: y.baseAddress!, u: u.baseAddress!, v: v.baseAddress!, yStride: yStride, uStride: cStride, vStride: cStride)
            let dst = HDRLUT.OutPlanes(y: oy.baseAddress!, u: ou.baseAddress!, v: ov.baseAddress!,
                                       yStride: oyStride, uStride: ocStride, vStride: ocStride)
            // In two bands, as the converter's helper threads would.
            lut.apply(src, dst, width: width, height: height, depth: 10, rows: 0..<1)
            lut.apply(src, dst, width: width, height: height, depth: 10, rows: 1..<ch)
        } } } } } }
        for cy in 0..<ch { for cx in 0..<cw {
            let c = colours[cy * cw + cx]
            let want = lut.lookup(y: c.0 / 1023, cb: c.1 / 1023, cr: c.2 / 1023)
            for y in 2 * cy..<min(2 * cy + 2, height) { for x in 2 * cx..<min(2 * cx + 2, width) {
                #expect(abs(Double(yOut[y * oyStride + x]) - want.0) <= 2, "luma at \(x),\(y)")
            } }
            #expect(abs(Double(uOut[cy * ocStride + cx]) - want.1) <= 1.5, "Cb of block \(cx),\(cy)")
            #expect(abs(Double(vOut[cy * ocStride + cx]) - want.2) <= 1.5, "Cr of block \(cx),\(cy)")
        } }
        for y in 0..<height { for x in width..<oyStride { #expect(yOut[y * oyStride + x] == sentinel) } }
        for cy in 0..<ch { for x in cw..<ocStride { #expect(uOut[cy * ocStride + x] == sentinel && vOut[cy * ocStride + x] == sentinel) } }
    }
}
