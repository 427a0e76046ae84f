import Foundation

/// The per-pixel half: 4:2:0 samples of 9 to 16 bits in, 8-bit 4:2:0 out.
extension HDRLUT {
    /// 4×4 ordered-dither thresholds (Bayer), in (−0.5, 0.5): added before rounding to 8 bits, so a smooth
    /// 10-bit gradient becomes a pattern of neighbouring codes instead of flat steps.
    static let bayer: [Float] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5].map { (Float($0) + 0.5) / 16 - 0.5 }

    struct Planes {
        var y: UnsafePointer<UInt16>, u: UnsafePointer<UInt16>, v: UnsafePointer<UInt16>
        /// Strides in samples (not bytes).
        var yStride: Int, uStride: Int, vStride: Int
    }
    struct OutPlanes {
        var y: UnsafeMutablePointer<UInt8>, u: UnsafeMutablePointer<UInt8>, v: UnsafeMutablePointer<UInt8>
        var yStride: Int, uStride: Int, vStride: Int
    }

    /// The BT.1886 inverse EOTF, L^(1/2.4), tabulated over t = √L (4096 steps, interpolated): indexing by √L
    /// gives the steep start of the curve fine steps (the first step is 0.2 of an 8-bit code).
    static let gammaSteps = 4096
    static let gammaTable: [Float] = (0...gammaSteps + 1).map { i in
        let t = min(1, Double(i) / Double(gammaSteps))
        return Float(pow(t * t, 1 / 2.4))
    }

    /// Convert chroma rows `rows` (each covering two luma rows) of a `width`×`height` 4:2:0 picture. The
    /// chroma cell and its four weights are shared by the 2×2 luma block. Each luma sample interpolates the
    /// exact output luma of the grid (`lumaTable`) in its own Y' cell; the block's output chroma comes from the
    /// √R, √G, √B interpolated once, at the block's mean Y' (gamma table, BT.709 matrix) — one decode per
    /// block instead of four, which is what makes the conversion cheap next to the encoders.
    func apply(_ src: Planes, _ dst: OutPlanes, width: Int, height: Int, depth: Int, rows: Range<Int>) {
        let nY = lumaPoints, nC = chromaPoints
        let scaleY = Float(nY - 1) / Float((1 << depth) - 1)
        let scaleC = Float(nC - 1) / Float((1 << depth) - 1)
        let maxCode = UInt16((1 << depth) - 1)
        let lumaPlane = nC * nC
        let planeStride = lumaPlane * 3
        let rowStride = nC * 3
        let t = UnsafePointer(table)
        let lt = UnsafePointer(lumaTable)
        let chromaWidth = (width + 1) / 2
        let steps = Float(Self.gammaSteps)
        let lastCell = Float(nY - 1)
        // BT.709 Y'CbCr, limited range, 8-bit: Cb = 128 + 224·(B' − Y')/1.8556, Cr likewise.
        let kr: Float = 0.2126, kb: Float = 0.0722, kg: Float = 1 - 0.2126 - 0.0722
        let cbScale: Float = 224 / 1.8556, crScale: Float = 224 / 1.5748
        Self.bayer.withUnsafeBufferPointer { dither in
        Self.gammaTable.withUnsafeBufferPointer { gamma in
            @inline(__always) func encode(_ l: Float) -> Float {
                let f = max(l, 0) * steps   // the LUT holds √L already
                let i = min(Int(f), Self.gammaSteps)
                let w = f - Float(i)
                return gamma[i] + w * (gamma[i + 1] - gamma[i])
            }
            // Per chroma row: the blocks' chroma cells and weights first, then each luma row in one straight
            // pass (sequential reads and writes, no data-dependent branch), then the blocks' chroma.
            let cells = UnsafeMutablePointer<Int>.allocate(capacity: chromaWidth)
            let weights = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: chromaWidth)
            let sums = UnsafeMutablePointer<Float>.allocate(capacity: chromaWidth)
            defer { cells.deallocate(); weights.deallocate(); sums.deallocate() }
            for cy in rows {
                let u = src.u + cy * src.uStride, v = src.v + cy * src.vStride
                let ou = dst.u + cy * dst.uStride, ov = dst.v + cy * dst.vStride
                let rowsInBlock = min(2, height - 2 * cy)
                for cx in 0..<chromaWidth {
                    let fb = Float(min(u[cx], maxCode)) * scaleC, fr = Float(min(v[cx], maxCode)) * scaleC
                    let ib = min(Int(fb), nC - 2), ir = min(Int(fr), nC - 2)
                    let wb = fb - Float(ib), wr = fr - Float(ir)
                    cells[cx] = ib * nC + ir
                    weights[cx] = SIMD4((1 - wb) * (1 - wr), (1 - wb) * wr, wb * (1 - wr), wb * wr)
                    sums[cx] = 0
                }
                for dy in 0..<rowsInBlock {
                    let ly = 2 * cy + dy
                    let yrow = src.y + ly * src.yStride
                    let orow = dst.y + ly * dst.yStride
                    let drow = dither.baseAddress! + (ly & 3) * 4
                    for lx in 0..<width {
                        let cx = lx >> 1
                        let fy = Float(min(yrow[lx], maxCode)) * scaleY
                        let iy = min(Int(fy), nY - 2)
                        let wy = fy - Float(iy)
                        let w = weights[cx]
                        let p0 = lt + iy * lumaPlane + cells[cx], p1 = p0 + lumaPlane
                        let l0 = w.x * p0[0] + w.y * p0[1] + w.z * p0[nC] + w.w * p0[nC + 1]
                        let l1 = w.x * p1[0] + w.y * p1[1] + w.z * p1[nC] + w.w * p1[nC + 1]
                        sums[cx] += fy
                        orow[lx] = Self.byte(l0 + wy * (l1 - l0) + drow[lx & 3])
                    }
                }
                for cx in 0..<chromaWidth {
                    // Chroma: the colour at the block's mean Y'.
                    let n = Float(rowsInBlock * min(2, width - 2 * cx))
                    let fy = min(sums[cx] / n, lastCell)
                    let iy = min(Int(fy), nY - 2)
                    let wy = fy - Float(iy)
                    let w = weights[cx]
                    let o00 = cells[cx] * 3, o01 = o00 + 3, o10 = o00 + rowStride, o11 = o10 + 3
                    let p0 = t + iy * planeStride, p1 = p0 + planeStride
                    @inline(__always) func at(_ p: UnsafePointer<Float>, _ k: Int) -> Float {
                        w.x * p[o00 + k] + w.y * p[o01 + k] + w.z * p[o10 + k] + w.w * p[o11 + k]
                    }
                    let r0 = at(p0, 0), r1 = at(p1, 0), g0 = at(p0, 1), g1 = at(p1, 1), b0 = at(p0, 2), b1 = at(p1, 2)
                    let r = encode(r0 + wy * (r1 - r0)), g = encode(g0 + wy * (g1 - g0)), b = encode(b0 + wy * (b1 - b0))
                    let yv = kr * r + kg * g + kb * b
                    let d = dither[(cy & 3) * 4 + (cx & 3)]
                    ou[cx] = Self.byte(128 + cbScale * (b - yv) + d)
                    ov[cx] = Self.byte(128 + crScale * (r - yv) - d)
                }
            }
        }
        }
    }

    @inline(__always) static func byte(_ v: Float) -> UInt8 {
        let r = v + 0.5
        return r <= 0 ? 0 : r >= 255 ? 255 : UInt8(r)
    }
}
