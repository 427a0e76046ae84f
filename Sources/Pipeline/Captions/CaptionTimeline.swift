import Media

/// A job's cues as spans of time over which the same captions show: the unit a caption image is rendered
/// and cached for. Immutable, shared by every rendition and thread.
public final class CaptionTimeline: Sendable {
    public struct Span: Sendable, Equatable {
        public var start: Double
        public var end: Double
        /// The burned-in text (sanitized; simultaneous cues joined, the earlier first).
        public var text: String
    }
    public let spans: [Span]
    /// The cues kept (positive duration, some text), in time order: what the sidecar lists.
    public let cues: [SubtitleCue]

    /// - Parameter duration: the video's length; cues past it are cut there (a cue hours long ends with the video).
    public init(cues raw: [SubtitleCue], duration: Double?) {
        let limit = duration.map { max(0, $0) } ?? .infinity
        let kept = raw.compactMap { cue -> SubtitleCue? in
            guard cue.start.isFinite, cue.end.isFinite else { return nil }
            let start = max(0, cue.start), end = min(cue.end, limit)
            guard end > start, !CaptionText.sanitized(cue.text).isEmpty else { return nil }
            return SubtitleCue(start: start, end: end, text: cue.text)
        }.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        cues = kept
        // Sweep over the cue boundaries: between two consecutive boundaries the set of cues showing is fixed.
        var bounds = Array(Set(kept.flatMap { [$0.start, $0.end] })).sorted()
        if bounds.count < 2 { bounds = [] }
        var spans: [Span] = []
        var active: [Int] = []
        var next = 0
        for b in 0..<max(0, bounds.count - 1) {
            let t0 = bounds[b], t1 = bounds[b + 1]
            active.removeAll { kept[$0].end <= t0 }
            while next < kept.count, kept[next].start <= t0 {
                if kept[next].end > t0 { active.append(next) }
                next += 1
            }
            guard !active.isEmpty else { continue }
            // Two cues at once at most, as two lines; more would not fit the two-line box.
            let text = active.prefix(2).map { CaptionText.sanitized(kept[$0].text) }.joined(separator: "\\N")
            if let last = spans.last, last.end == t0, last.text == text {
                spans[spans.count - 1].end = t1
            } else {
                spans.append(Span(start: t0, end: t1, text: text))
            }
        }
        self.spans = spans
    }

    /// The span showing at `time`, if any (binary search).
    public func span(at time: Double) -> Int? {
        var lo = 0, hi = spans.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if spans[mid].end <= time { lo = mid + 1 } else { hi = mid }
        }
        return lo < spans.count && spans[lo].start <= time ? lo : nil
    }
}
