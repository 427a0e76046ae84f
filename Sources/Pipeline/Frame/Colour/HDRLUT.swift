import Job
import Synchronization

/// `HDRToSDR` sampled on a 3D grid over the source's code values (Y' × Cb × Cr), built once per source
/// description in double precision and stored as Float triples: √ of the tone-mapped linear BT.709 R, G, B
/// (in [0, 1]; the kernel encodes them: gamma through a table, then the BT.709 matrix). √L is a compromise
/// between linear light (the PQ/HLG curves make it bend too much between grid points) and the gamma-encoded
/// output (infinitely steep at 0, where saturated colours have a channel).
/// Immutable once built, so any number of threads may read it.
final class HDRLUT: @unchecked Sendable {
    // @unchecked: `table` and `lumaTable` are written only in init and read-only afterwards; the per-depth
    // axis tables are made under `axes`' lock and never changed after; every buffer is owned here.
    let chain: HDRToSDR
    /// Grid points along Y' and along each chroma axis.
    let lumaPoints: Int
    let chromaPoints: Int
    let table: UnsafeMutablePointer<Float>
    let count: Int
    /// The output luma at each grid point, exact (16 + 219·Y', 8-bit code units): the kernel interpolates it
    /// for every luma sample, and decodes the √L triples only once per 2×2 block, for its chroma.
    let lumaTable: UnsafeMutablePointer<Float>

    /// 65 points on each axis: 274 625 entries, 3.3 MB (33 on the chroma axes lost 10–15 % of the saturation
    /// of colour bars to interpolation error; see HDRLUTTests for the error that remains).
    init(_ chain: HDRToSDR, lumaPoints: Int = 65, chromaPoints: Int = 65) {
        self.chain = chain
        self.lumaPoints = lumaPoints
        self.chromaPoints = chromaPoints
        count = lumaPoints * chromaPoints * chromaPoints * 3
        table = .allocate(capacity: count)
        lumaTable = .allocate(capacity: count / 3)
        var i = 0
        for yi in 0..<lumaPoints {
            let y = Double(yi) / Double(lumaPoints - 1)
            for bi in 0..<chromaPoints {
                let cb = Double(bi) / Double(chromaPoints - 1)
                for ri in 0..<chromaPoints {
                    let cr = Double(ri) / Double(chromaPoints - 1)
                    let out = chain.mapLinear(y: y, cb: cb, cr: cr)
                    table[i] = Float(out.0.squareRoot()); table[i + 1] = Float(out.1.squareRoot()); table[i + 2] = Float(out.2.squareRoot())
                    lumaTable[i / 3] = Float(HDRToSDR.encode(out).0)
                    i += 3
                }
            }
        }
    }

    deinit {
        table.deallocate()
        lumaTable.deallocate()
        axes.withLock { for a in $0.values { a.deallocate() } }
    }

    /// Per code value of a `depth`-bit source (2^depth entries, built on first use for each depth and axis
    /// size, kept with the LUT): the code's position on an axis of `points` grid points, its cell (the lower
    /// grid point, at most `points − 2`) and its weight within the cell — what the kernel would otherwise
    /// compute, with a range-checked float-to-integer conversion, for every sample.
    func axis(depth: Int, points: Int) -> (positions: UnsafePointer<Float>, cells: UnsafePointer<Int32>, weights: UnsafePointer<Float>) {
        let a = axes.withLock { axes in
            if let a = axes[AxisKey(depth: depth, points: points)] { return a }
            let a = Axis(depth: depth, points: points)
            axes[AxisKey(depth: depth, points: points)] = a
            return a
        }
        return (UnsafePointer(a.positions), UnsafePointer(a.cells), UnsafePointer(a.weights))
    }

    private struct AxisKey: Hashable { var depth: Int, points: Int }
    private struct Axis {
        let positions: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Int32>, weights: UnsafeMutablePointer<Float>
        init(depth: Int, points: Int) {
            let codes = 1 << depth
            positions = .allocate(capacity: codes); cells = .allocate(capacity: codes); weights = .allocate(capacity: codes)
            let scale = Float(points - 1) / Float(codes - 1)
            for code in 0..<codes {
                let f = Float(code) * scale
                let i = min(Int(f), points - 2)
                positions[code] = f; cells[code] = Int32(i); weights[code] = f - Float(i)
            }
        }
        func deallocate() { positions.deallocate(); cells.deallocate(); weights.deallocate() }
    }
    /// Written under the lock only; an entry, once made, is never changed or freed before the LUT is.
    private let axes = Mutex<[AxisKey: Axis]>([:])

    /// Trilinear lookup at normalised code values → output Y'CbCr in 8-bit code units (tests, single pixels).
    func lookup(y: Double, cb: Double, cr: Double) -> (Double, Double, Double) {
        func cell(_ v: Double, _ n: Int) -> (Int, Double) {
            let f = min(max(v, 0), 1) * Double(n - 1)
            let i = min(Int(f), n - 2)
            return (i, f - Double(i))
        }
        let (iy, wy) = cell(y, lumaPoints), (ib, wb) = cell(cb, chromaPoints), (ir, wr) = cell(cr, chromaPoints)
        var out = [0.0, 0.0, 0.0]
        for dy in 0...1 { for db in 0...1 { for dr in 0...1 {
            let w = (dy == 0 ? 1 - wy : wy) * (db == 0 ? 1 - wb : wb) * (dr == 0 ? 1 - wr : wr)
            let base = (((iy + dy) * chromaPoints + ib + db) * chromaPoints + ir + dr) * 3
            for k in 0..<3 { out[k] += w * Double(table[base + k]) }
        } } }
        return HDRToSDR.encode((out[0] * out[0], out[1] * out[1], out[2] * out[2]))
    }

    private static let cache = Mutex<[HDRToSDR: HDRLUT]>([:])

    /// The LUT for a source description, built on first use and kept for the process (a few per process at
    /// most: one per distinct source transfer/matrix/range/depth/peak).
    static func shared(_ chain: HDRToSDR) -> HDRLUT {
        if let lut = cache.withLock({ $0[chain] }) { return lut }
        let lut = HDRLUT(chain)   // built outside the lock: two threads may both build it; one wins
        return cache.withLock { c in
            if let existing = c[chain] { return existing }
            if c.count >= 16 { c.removeAll() }
            c[chain] = lut
            return lut
        }
    }
}
