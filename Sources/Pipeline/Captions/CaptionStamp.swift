import Imaging
import Job
import Synchronization

/// Something drawn on output frames that depends on the frame's time (burned-in captions).
/// Implementations are shared by every processing thread.
public protocol TimedFrameStamp: Sendable {
    /// - Parameter time: seconds from the rendition's first frame.
    func stamp(on picture: YUV420, time: Double) throws
}

/// Burned-in captions for one rendition: the caption image of each span rendered once (by whichever
/// processing thread first needs it, libass behind this stamp's lock), converted to premultiplied YUV like the
/// watermark, cached, and blended by every thread without the lock. The cache keeps the last few images
/// (frames arrive nearly in order), so memory stays flat however many cues.
public final class CaptionStamp: TimedFrameStamp {
    public let timeline: CaptionTimeline
    public let box: Rect
    /// Whether the box was moved to keep clear of the watermark, and how.
    public let placement: String?
    private let bt709: Bool
    private struct State {
        var renderer: CaptionRenderer
        var cache: [Int: Watermark?] = [:]
        var order: [Int] = []
    }
    private let state: Mutex<State>
    static let cacheSize = 8

    /// - Parameters:
    ///   - safeArea: the rendition's safe area (nil: the whole frame); captions sit at its bottom, inset by 3 %
    ///     of the shorter side.
    ///   - avoiding: the watermark's rectangle on this rendition. Captions never cover it: the caption box ends
    ///     above it (a mark in the lower half) or starts below it (upper half). The captions move, not the
    ///     mark: the mark is the campaign's signature at the same place on every frame of every video, and the
    ///     verification finds it there; captions only need to stay readable and inside the safe area.
    public init(timeline: CaptionTimeline, width: Int, height: Int, safeArea: SafeArea?, style: CaptionStyle,
                fontPath: String, avoiding mark: Rect?, bt709: Bool) throws {
        let (box, note) = Self.box(width: width, height: height, safeArea: safeArea, style: style, avoiding: mark)
        self.timeline = timeline
        self.box = box
        self.placement = note
        self.bt709 = bt709
        state = Mutex(State(renderer: try CaptionRenderer(width: width, height: height, box: box, style: style, fontPath: fontPath)))
    }

    static func box(width: Int, height: Int, safeArea: SafeArea?, style: CaptionStyle, avoiding mark: Rect?) -> (Rect, String?) {
        let s = safeArea ?? SafeArea()
        let inset = Int(0.03 * Double(min(width, height)))
        var top = Int(Double(height) * s.top) + inset
        var bottom = height - Int(Double(height) * s.bottom) - inset
        let left = Int(Double(width) * s.left) + inset
        let right = width - Int(Double(width) * s.right) - inset
        var note: String?
        if let m = mark, m.x < right, m.x + m.width > left, m.y < bottom, m.y + m.height > top {
            let gap = inset / 2
            if m.y + m.height / 2 >= height / 2 {
                bottom = min(bottom, m.y - gap)
                note = "captions moved up to end \(height - bottom) px above the bottom, clear of the watermark at \(m)"
            } else {
                top = max(top, m.y + m.height + gap)
                note = "captions kept below the watermark at \(m)"
            }
        }
        // Room for two lines at the legible minimum, whatever the safe area and the mark leave.
        let minimum = Int(CaptionRenderer.sizes(style: style, width: width, height: height).minimum * 3)
        if bottom - top < minimum { top = max(0, bottom - minimum) }
        let x = left & ~1, y = top & ~1
        return (Rect(x: x, y: y, width: (right - x) & ~1, height: (bottom - y) & ~1), note)
    }

    public func stamp(on picture: YUV420, time: Double) throws {
        guard let span = timeline.span(at: time), let overlay = try overlay(span) else { return }
        overlay.stamp(on: picture)
    }

    /// The caption image of span `index` (nil when it draws nothing or cannot be drawn).
    func overlay(_ index: Int) throws -> Watermark? {
        try state.withLock { s throws -> Watermark? in
            if let cached = s.cache[index] { return cached }
            let text = timeline.spans[index].text
            let made = try s.renderer.render(text)
            let mark = made.map { Watermark(image: $0.image, at: $0.origin, opacity: 1, bt709: bt709) }
            s.cache[index] = .some(mark)
            s.order.append(index)
            if s.order.count > Self.cacheSize { s.cache.removeValue(forKey: s.order.removeFirst()) }
            return mark
        }
    }

    /// The caption image of the span at `time`, as premultiplied YUV (tests and verification).
    public func overlay(at time: Double) throws -> Watermark? {
        guard let span = timeline.span(at: time) else { return nil }
        return try overlay(span)
    }
}
