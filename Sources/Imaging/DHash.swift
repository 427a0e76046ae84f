extension Metrics {
    /// The 64-bit difference hash of a picture: its luma averaged down to 9×8 cells, one bit per pair of
    /// horizontal neighbours (set where the left cell is brighter). Near-identical pictures differ in a few
    /// bits; a black or flat picture hashes to 0.
    public static func dHash(_ image: RGBAImage) -> UInt64 {
        dHash(width: image.width, height: image.height) { x, y in
            let o = (y * image.width + x) * 4
            // BT.709 luma weights, ×1000.
            return (2126 * Int(image.pixels[o]) + 7152 * Int(image.pixels[o + 1]) + 722 * Int(image.pixels[o + 2])) / 10_000
        }
    }

    /// The difference hash of an 8-bit plane (a video frame's luma).
    public static func dHash(_ plane: Plane) -> UInt64 {
        dHash(width: plane.width, height: plane.height) { x, y in Int(plane[x, y]) }
    }

    /// Bits in which two hashes differ.
    public static func hammingDistance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }

    private static func dHash(width: Int, height: Int, luma: (Int, Int) -> Int) -> UInt64 {
        guard width >= 9, height >= 8 else { return 0 }
        // Each cell is the mean of the pixels whose position falls inside it (area average).
        var cells = [Int](repeating: 0, count: 9 * 8)
        var counts = [Int](repeating: 0, count: 9 * 8)
        for y in 0..<height {
            let cy = y * 8 / height
            for x in 0..<width {
                let c = cy * 9 + x * 9 / width
                cells[c] += luma(x, y)
                counts[c] += 1
            }
        }
        var hash: UInt64 = 0
        for row in 0..<8 {
            for col in 0..<8 {
                let left = cells[row * 9 + col] * counts[row * 9 + col + 1]
                let right = cells[row * 9 + col + 1] * counts[row * 9 + col]
                hash <<= 1
                if left > right { hash |= 1 }
            }
        }
        return hash
    }
}
