import Job
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

    /// Convert chroma rows `rows` (each covering two luma rows) of a `width`×`height` 4:2:0 picture, one 2×2
    /// block at a time. The block's chroma cell and its four weights serve its four luma samples: each luma
    /// sample interpolates the exact output luma of the grid (`lumaTable`) in its Y' cell, and the chroma-
    /// interpolated ends of that cell are computed once for all the block's samples that fall in it (most of
    /// them: a cell spans 16 ten-bit codes). The block's output chroma comes from √R, √G, √B interpolated once,
    /// at the block's mean Y' (gamma table, BT.709 matrix) — one decode per block instead of four.
    func apply(_ src: Planes, _ dst: OutPlanes, width: Int, height: Int, depth: Int, rows: Range<Int>) {
        let k = Kernel(lut: self, depth: depth)
        let chromaWidth = (width + 1) / 2
        let fullBlocks = width / 2
        Self.bayer.withUnsafeBufferPointer { dither in
        Self.gammaTable.withUnsafeBufferPointer { gamma in
            for cy in rows {
                let ly0 = 2 * cy, pair = ly0 + 1 < height
                let y0 = src.y + ly0 * src.yStride, y1 = pair ? y0 + src.yStride : y0
                let o0 = dst.y + ly0 * dst.yStride
                let d0 = dither.baseAddress! + (ly0 & 3) * 4, d1 = dither.baseAddress! + ((ly0 + 1) & 3) * 4
                let u = src.u + cy * src.uStride, v = src.v + cy * src.vStride
                let ou = dst.u + cy * dst.uStride, ov = dst.v + cy * dst.vStride
                let dc = dither.baseAddress! + (cy & 3) * 4
                if pair {
                    let o1 = o0 + dst.yStride
                    for cx in 0..<fullBlocks {
                        let c = k.cell(u[cx], v[cx])
                        let x = 2 * cx
                        var span = LumaSpan()
                        var sum = k.luma(y0[x], d0[x & 3], c, &span, o0 + x)
                        sum += k.luma(y0[x + 1], d0[(x + 1) & 3], c, &span, o0 + x + 1)
                        sum += k.luma(y1[x], d1[x & 3], c, &span, o1 + x)
                        sum += k.luma(y1[x + 1], d1[(x + 1) & 3], c, &span, o1 + x + 1)
                        k.chroma(sum * 0.25, c, dc[cx & 3], gamma, ou + cx, ov + cx)
                    }
                }
                // Blocks cut by the picture's right or bottom edge: the samples that exist.
                for cx in (pair ? fullBlocks : 0)..<chromaWidth {
                    let c = k.cell(u[cx], v[cx])
                    var span = LumaSpan()
                    var sum: Float = 0, n: Float = 0
                    for r in 0..<(pair ? 2 : 1) {
                        let row = r == 0 ? y0 : y1, out = r == 0 ? o0 : o0 + dst.yStride, d = r == 0 ? d0 : d1
                        for x in 2 * cx..<min(2 * cx + 2, width) {
                            sum += k.luma(row[x], d[x & 3], c, &span, out + x)
                            n += 1
                        }
                    }
                    k.chroma(sum / n, c, dc[cx & 3], gamma, ou + cx, ov + cx)
                }
            }
        }
        }
    }

    /// A block's chroma cell: the offset of its corner in a Y' plane of the grid and the bilinear weights.
    struct ChromaCell {
        var offset: Int
        var w: SIMD4<Float>
    }

    /// The output luma at both ends of one Y' cell, interpolated over the block's chroma cell: valid while
    /// `cell` is the Y' cell the block's next sample falls in.
    struct LumaSpan {
        var cell = -1
        var l0: Float = 0, l1: Float = 0
    }

    /// The loop-invariant numbers of one `apply`.
    struct Kernel {
        let nY: Int, nC: Int, lumaPlane: Int, planeStride: Int, rowStride: Int
        let maxCode: UInt16, lastCell: Float, steps: Float
        let t: UnsafePointer<Float>, lt: UnsafePointer<Float>
        /// Per source code value: its position on the grid's axis, its cell, its weight within the cell
        /// (tables of 2^depth entries: no float-to-integer conversion, with its range check, per sample).
        let lumaPositions: UnsafePointer<Float>, lumaCells: UnsafePointer<Int32>
        let chromaCells: UnsafePointer<Int32>, chromaWeights: UnsafePointer<Float>
        // BT.709 Y'CbCr, limited range, 8-bit: Cb = 128 + 224·(B' − Y')/1.8556, Cr likewise.
        let kr: Float = 0.2126, kb: Float = 0.0722, kg: Float = 1 - 0.2126 - 0.0722
        let cbScale: Float = 224 / 1.8556, crScale: Float = 224 / 1.5748

        init(lut: HDRLUT, depth: Int) {
            nY = lut.lumaPoints; nC = lut.chromaPoints
            maxCode = UInt16((1 << depth) - 1)
            (lumaPositions, lumaCells, _) = lut.axis(depth: depth, points: nY)
            (_, chromaCells, chromaWeights) = lut.axis(depth: depth, points: nC)
            lumaPlane = nC * nC
            planeStride = lumaPlane * 3
            rowStride = nC * 3
            lastCell = Float(nY - 1)
            steps = Float(HDRLUT.gammaSteps)
            t = UnsafePointer(lut.table)
            lt = UnsafePointer(lut.lumaTable)
        }

        @inline(__always) func cell(_ u: UInt16, _ v: UInt16) -> ChromaCell {
            let cu = Int(min(u, maxCode)), cv = Int(min(v, maxCode))
            let ib = Int(chromaCells[cu]), ir = Int(chromaCells[cv])
            let wb = chromaWeights[cu], wr = chromaWeights[cv]
            return ChromaCell(offset: ib * nC + ir, w: SIMD4((1 - wb) * (1 - wr), (1 - wb) * wr, wb * (1 - wr), wb * wr))
        }

        /// One luma sample: writes its 8-bit code, returns its position on the Y' axis (for the block's mean).
        @inline(__always) func luma(_ code: UInt16, _ dither: Float, _ c: ChromaCell, _ span: inout LumaSpan,
                                    _ out: UnsafeMutablePointer<UInt8>) -> Float {
            let c0 = Int(min(code, maxCode))
            let fy = lumaPositions[c0], iy = Int(lumaCells[c0])
            if iy != span.cell {
                let w = c.w
                let p0 = lt + iy * lumaPlane + c.offset, p1 = p0 + lumaPlane
                span.l0 = w.x * p0[0] + w.y * p0[1] + w.z * p0[nC] + w.w * p0[nC + 1]
                span.l1 = w.x * p1[0] + w.y * p1[1] + w.z * p1[nC] + w.w * p1[nC + 1]
                span.cell = iy
            }
            let wy = fy - Float(iy)
            out.pointee = HDRLUT.byte(span.l0 + wy * (span.l1 - span.l0) + dither)
            return fy
        }

        /// The block's chroma: the colour at its mean Y' (`fy`, on the grid's Y' axis).
        @inline(__always) func chroma(_ mean: Float, _ c: ChromaCell, _ dither: Float, _ gamma: UnsafeBufferPointer<Float>,
                                      _ ou: UnsafeMutablePointer<UInt8>, _ ov: UnsafeMutablePointer<UInt8>) {
            let fy = min(mean, lastCell)
            let iy = min(Int(fy), nY - 2)
            let wy = fy - Float(iy)
            let w = c.w
            let o00 = c.offset * 3, o01 = o00 + 3, o10 = o00 + rowStride, o11 = o10 + 3
            let p0 = t + iy * planeStride, p1 = p0 + planeStride
            @inline(__always) func at(_ p: UnsafePointer<Float>, _ k: Int) -> Float {
                w.x * p[o00 + k] + w.y * p[o01 + k] + w.z * p[o10 + k] + w.w * p[o11 + k]
            }
            @inline(__always) func encode(_ l: Float) -> Float {
                let f = max(l, 0) * steps   // the LUT holds √L already
                let i = min(Int(f), HDRLUT.gammaSteps)
                let w = f - Float(i)
                return gamma[i] + w * (gamma[i + 1] - gamma[i])
            }
            let r0 = at(p0, 0), r1 = at(p1, 0), g0 = at(p0, 1), g1 = at(p1, 1), b0 = at(p0, 2), b1 = at(p1, 2)
            let r = encode(r0 + wy * (r1 - r0)), g = encode(g0 + wy * (g1 - g0)), b = encode(b0 + wy * (b1 - b0))
            let yv = kr * r + kg * g + kb * b
            ou.pointee = HDRLUT.byte(128 + cbScale * (b - yv) + dither)
            ov.pointee = HDRLUT.byte(128 + crScale * (r - yv) - dither)
        }
    }

    /// Round to the nearest 8-bit code, clamped (branch-free: min/max, then truncation of a value ≥ 0).
    @inline(__always) static func byte(_ v: Float) -> UInt8 {
        UInt8(min(max(v + 0.5, 0), 255))
    }
}
