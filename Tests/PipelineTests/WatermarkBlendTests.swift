import Imaging
@testable import Pipeline
import Testing

/// The blend skips each row's fully transparent ends; that must be exactly the identity it replaces.
struct WatermarkBlendTests {
    /// A plane of `width`×`height` random bytes, in a buffer with a wider stride.
    final class Buffer {
        let stride: Int, width: Int, height: Int
        let bytes: UnsafeMutablePointer<UInt8>
        init(width: Int, height: Int, seed: inout SplitMix) {
            self.width = width; self.height = height; stride = width + 13
            bytes = .allocate(capacity: stride * height)
            for i in 0..<(stride * height) { bytes[i] = UInt8(truncatingIfNeeded: seed.next()) }
        }
        init(copy other: Buffer) {
            width = other.width; height = other.height; stride = other.stride
            bytes = .allocate(capacity: stride * height)
            bytes.update(from: other.bytes, count: stride * height)
        }
        deinit { bytes.deallocate() }
        var plane: Plane { Plane(base: bytes, stride: stride, width: width, height: height) }
        var contents: [UInt8] { Array(UnsafeBufferPointer(start: bytes, count: stride * height)) }
    }

    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("spans: a mark with transparent rows and margins blends exactly like the whole rectangle", arguments: [(7, 5), (16, 4), (45, 21), (128, 9)])
    func spansAreExact(width: Int, height: Int) {
        var rng = SplitMix(state: UInt64(width * 1000 + height))
        // Opaque-ish blob with ragged edges; pre ≤ alpha as a premultiplied mark has; fully transparent
        // rows (every third) and random transparent margins.
        var pre = [UInt8](repeating: 0, count: width * height), alpha = pre
        for y in 0..<height where y % 3 != 1 {
            let lo = Int(rng.next() % UInt64(width)), hi = lo + Int(rng.next() % UInt64(width - lo + 1))
            for x in lo..<hi {
                let a = UInt8(truncatingIfNeeded: rng.next() | (x % 5 == 0 ? 0xFF : 0))
                alpha[y * width + x] = a
                pre[y * width + x] = a == 0 ? 0 : UInt8(rng.next() % UInt64(a))
            }
        }
        let spans = Watermark.spans(width: width, height: height) { alpha[$0] != 0 || pre[$0] != 0 }
        let whole = (0..<height).map { _ in Watermark.Span(lo: 0, hi: Int32(width)) }
        let original = Buffer(width: width, height: height, seed: &rng)
        let full = Buffer(copy: original), skipped = Buffer(copy: original)
        Watermark.blend(full.plane, pre: pre, alpha: alpha, spans: whole)
        Watermark.blend(skipped.plane, pre: pre, alpha: alpha, spans: spans)
        #expect(full.contents == skipped.contents)
        // And where the mark is visible, it changed something (the test is not vacuous).
        #expect(full.contents != original.contents)
        #expect(spans.enumerated().allSatisfy { y, s in y % 3 != 1 || s.lo == s.hi })
    }
}
