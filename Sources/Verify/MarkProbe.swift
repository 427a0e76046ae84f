import Imaging
import Media
import Job
import Pipeline

/// The watermark as a rendition should show it — the pipeline's own `WatermarkPlan` builds it for the
/// output's size, so its rectangle and pixels are the ones the frame core stamped — and how to find it in
/// a decoded output frame without knowing what is underneath: the output's luma in the rectangle should
/// follow the mark's own pattern (its light fill and dark outline).
struct MarkProbe {
    let rect: Rect
    /// Luma of the mark stamped on mid grey (128), `rect`-sized, row by row.
    private let template: [Double]
    private let templateMean: Double
    /// Where the mark would sit under each other anchor (not overlapping `rect`).
    let elsewhere: [Rect]

    init(plan: WatermarkPlan, width: Int, height: Int, safeArea: SafeArea?, bt709: Bool) throws {
        let mark = try plan.build(width: width, height: height, safeArea: safeArea, bt709: bt709)
        let rect = mark.rect
        var others: [Rect] = []
        for anchor in Anchor.allCases where anchor != plan.spec.anchor {
            var moved = plan
            moved.spec.anchor = anchor
            let r = try moved.build(width: width, height: height, safeArea: safeArea, bt709: bt709).rect
            if r.width == rect.width, r.height == rect.height, !Self.overlap(r, rect), !others.contains(r) { others.append(r) }
        }
        try self.init(mark: mark, width: width, height: height, elsewhere: others)
    }

    /// The probe of any premultiplied overlay (a caption image too): its luma stamped on mid grey.
    init(mark: Watermark, width: Int, height: Int, elsewhere: [Rect] = []) throws {
        rect = mark.rect
        let canvas = try Frame.filled420(width: width, height: height, y: 128)
        let planes = canvas.planes420!
        mark.stamp(on: planes)
        var t: [Double] = []
        t.reserveCapacity(rect.width * rect.height)
        for y in rect.y..<(rect.y + rect.height) {
            for x in rect.x..<(rect.x + rect.width) { t.append(Double(planes.y[x, y])) }
        }
        template = t
        templateMean = t.reduce(0, +) / Double(max(1, t.count))
        self.elsewhere = elsewhere
    }

    /// Pearson correlation of the luma at `r` with the mark's pattern: near 1 where the mark is, near 0
    /// where it is not.
    func match(_ y: Plane, at r: Rect) -> Double {
        guard r.x >= 0, r.y >= 0, r.x + r.width <= y.width, r.y + r.height <= y.height else { return 0 }
        var sum = 0.0
        for row in 0..<r.height {
            let line = y.row(r.y + row) + r.x
            for col in 0..<r.width { sum += Double(line[col]) }
        }
        let mean = sum / Double(r.width * r.height)
        var cov = 0.0, varY = 0.0, varT = 0.0
        var i = 0
        for row in 0..<r.height {
            let line = y.row(r.y + row) + r.x
            for col in 0..<r.width {
                let dy = Double(line[col]) - mean, dt = template[i] - templateMean
                cov += dy * dt; varY += dy * dy; varT += dt * dt
                i += 1
            }
        }
        guard varY > 0, varT > 0 else { return 0 }
        return cov / (varY * varT).squareRoot()
    }

    /// How far the mark's light parts stand above, and its dark parts below, the frame around the
    /// rectangle (a band half the mark's height wide): mean luma difference over the mark's ink.
    func contrast(_ y: Plane) -> Double {
        let band = max(4, rect.height / 2)
        let x0 = max(0, rect.x - band), y0 = max(0, rect.y - band)
        let x1 = min(y.width, rect.x + rect.width + band), y1 = min(y.height, rect.y + rect.height + band)
        var ringSum = 0.0, ringCount = 0.0
        for row in y0..<y1 {
            let line = y.row(row)
            for col in x0..<x1 where !(col >= rect.x && col < rect.x + rect.width && row >= rect.y && row < rect.y + rect.height) {
                ringSum += Double(line[col]); ringCount += 1
            }
        }
        guard ringCount > 0, rect.x + rect.width <= y.width, rect.y + rect.height <= y.height else { return 0 }
        let ring = ringSum / ringCount
        var total = 0.0, ink = 0.0
        var i = 0
        for row in 0..<rect.height {
            let line = y.row(rect.y + row) + rect.x
            for col in 0..<rect.width {
                let t = template[i] - 128
                if abs(t) > 48 {
                    total += (t > 0 ? 1 : -1) * (Double(line[col]) - ring)
                    ink += 1
                }
                i += 1
            }
        }
        return ink > 0 ? total / ink : 0
    }

    static func overlap(_ a: Rect, _ b: Rect) -> Bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }
}
