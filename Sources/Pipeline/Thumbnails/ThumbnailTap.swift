import Job
import Imaging
import Media

/// Picks thumbnails from the decoded frames as they pass (no second decode). With `avoidBlack`, a frame
/// that is near-black or flat is skipped for the next acceptable one within a window after the target
/// time (the best candidate seen is used if none qualifies).
///
/// The one place thumbnails are chosen: the frame core taps it during a transcode (no second decode), and
/// `ThumbnailPass` drives it for thumbnails-only jobs.
public final class ThumbnailTap: FrameTap {
    public struct Shot: Sendable {
        public var target: Double
        public var time: Double
        public var image: RGBAImage
    }

    private let targets: [Double]
    private let width: Int
    private let avoidBlack: Bool
    private let window: Double
    private let sampleAspect: Double
    private let rotation: Int
    private var next = 0
    private var best: (score: Double, time: Double, image: RGBAImage)?
    private var last: (Frame, Double)?
    private let converter = RGBAConverter()
    public private(set) var shots: [Shot] = []

    public init(targets: [Double], width: Int, avoidBlack: Bool, sampleAspect: Double, rotation: Int) {
        let sorted = targets.sorted()
        self.targets = sorted
        self.width = width
        self.avoidBlack = avoidBlack
        // How far past its target a thumbnail may move to avoid a black or flat frame.
        self.window = 2.0
        self.sampleAspect = sampleAspect
        self.rotation = rotation
    }

    /// A frame this close before a target counts as at the target (half a frame at 30 fps).
    static let tolerance = 0.5 / 30

    /// The earliest target not yet served; nil when every target has its shot. A frame whose time plus
    /// `tolerance` is below it changes nothing but the remembered last frame (see `offer`).
    public var pendingTarget: Double? { next < targets.count ? targets[next] : nil }

    /// Targets served so far, as a fraction of all (1 when there are none).
    public var servedFraction: Double { targets.isEmpty ? 1 : Double(min(next, targets.count)) / Double(targets.count) }

    /// Evenly spaced times in (0, duration): the middles of `count` equal parts. Without a duration (a still
    /// image, a stream that does not say) there is nothing to space: one thumbnail, of the first frame.
    public static func evenTimes(count: Int, duration: Double) -> [Double] {
        guard count > 0 else { return [] }
        guard duration > 0 else { return [0] }
        return (0..<count).map { duration * (Double($0) + 0.5) / Double(count) }
    }

    /// Luma mean and deviation → a score; near-black or flat frames fail.
    static func judge(_ image: RGBAImage) -> (ok: Bool, score: Double) {
        var s = 0.0, ss = 0.0, n = 0.0
        let p = image.pixels
        var i = 0
        while i < p.count {
            let y = 0.2126 * Double(p[i]) + 0.7152 * Double(p[i + 1]) + 0.0722 * Double(p[i + 2])
            s += y; ss += y * y; n += 1
            i += 4 * 7
        }
        let mean = s / max(1, n), dev = max(0, ss / max(1, n) - mean * mean).squareRoot()
        return (mean > 28 && dev > 8, mean + 2 * dev)
    }

    public func offer(_ frame: Frame, time: Double) throws {
        guard next < targets.count else { return }
        // Kept only while targets remain: the last frame serves targets past the end.
        last = (try frame.reference(), time)
        while next < targets.count {
            let target = targets[next]
            guard time + Self.tolerance >= target else { return }
            if time > target + window, let b = best {
                take(b.time, b.image)
                continue
            }
            let image = try convert(frame)
            let verdict = Self.judge(image)
            if !avoidBlack || verdict.ok {
                take(time, image)
                continue
            }
            if best == nil || verdict.score > best!.score { best = (verdict.score, time, image) }
            if time >= target + window { take(best!.time, best!.image); continue }
            return
        }
    }

    private func take(_ time: Double, _ image: RGBAImage) {
        shots.append(Shot(target: targets[next], time: time, image: image))
        next += 1
        best = nil
    }

    private func convert(_ frame: Frame) throws -> RGBAImage {
        let g = try Geometry.compute(codedWidth: frame.width, codedHeight: frame.height, sampleAspect: sampleAspect,
                                     rotation: rotation, width: width, height: nil, fit: .scale)
        return try converter.convert(frame, geometry: g)
    }

    /// Targets past the last frame get the best candidate or the last frame.
    public func finish() throws {
        while next < targets.count {
            if let b = best { take(b.time, b.image); continue }
            guard let (frame, time) = last else { return }
            take(time, try convert(frame))
        }
    }
}
