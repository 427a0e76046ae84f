import Imaging
import Testing

struct DHashTests {
    /// A horizontal ramp, brighter to the left, with a bright block at (bx, by).
    static func picture(block bx: Int, _ by: Int) throws -> RGBAImage {
        var img = try RGBAImage(width: 90, height: 80)
        for y in 0..<80 {
            for x in 0..<90 {
                let inBlock = x >= bx && x < bx + 20 && y >= by && y < by + 20
                let v = UInt8(inBlock ? 250 : 200 - x * 2)
                img[x: x, y: y] = .init(r: v, g: v, b: v)
            }
        }
        return img
    }

    @Test func sameHashForTheSamePictureAndZeroForBlack() throws {
        let a = try Self.picture(block: 50, 40)
        #expect(Metrics.dHash(a) == Metrics.dHash(try Self.picture(block: 50, 40)))
        #expect(Metrics.dHash(try RGBAImage(width: 90, height: 80, fill: .black)) == 0)
        // A falling ramp sets every bit but those the block disturbs.
        #expect(Metrics.hammingDistance(Metrics.dHash(a), .max) <= 8)
    }

    @Test func movedContentChangesBits() throws {
        let a = Metrics.dHash(try Self.picture(block: 10, 0)), b = Metrics.dHash(try Self.picture(block: 60, 50))
        #expect(Metrics.hammingDistance(a, b) >= 4)
        #expect(Metrics.hammingDistance(a, a) == 0)
    }

    @Test func ssimLeavesOutWindowsTouchingTheExcludedRectangle() {
        // Two 32×32 planes equal except inside a 8×8 square: excluding it restores SSIM 1.
        var a = [UInt8](repeating: 0, count: 32 * 32), b = a
        for i in 0..<a.count { a[i] = UInt8((i * 37) % 251); b[i] = a[i] }
        for y in 12..<20 { for x in 12..<20 { b[y * 32 + x] = 255 &- b[y * 32 + x] } }
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                let p = Plane(base: pa.baseAddress!, stride: 32, width: 32, height: 32)
                let q = Plane(base: pb.baseAddress!, stride: 32, width: 32, height: 32)
                #expect(Metrics.ssim(p, q) < 0.9)
                #expect(Metrics.ssim(p, q, excluding: (x: 12, y: 12, width: 8, height: 8)) == 1)
            }
        }
    }
}
