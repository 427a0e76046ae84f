import Job
import Media

/// Where a video stream's keyframes are, for deciding where a seek can land without changing which frame a
/// thumbnail gets. Built from the demuxer's index. An index timestamp need not be the time the keyframe is
/// shown (MP4 stores decode times; seeking takes presentation times), so the offset between the two is
/// learnt from the first keyframe packet read (matched to its entry by byte position), and a keyframe's
/// shown time is replaced by the real one once its packet has been read.
struct KeyframeMap {
    let entries: [InputContainer.IndexedKeyframe]
    let timeBase: Double
    /// Shortest gap between two shown frames that we rely on (1 / frame rate; 0 when unknown, which is exact
    /// but seeks less): the frame shown just before a keyframe is at least this much earlier.
    let spacing: Double
    private let byPosition: [Int64: Int]
    /// Presentation timestamp − index timestamp of a keyframe, once one has been read.
    private(set) var offset: Int64?
    /// Shown times (seconds from the first frame shown) read from keyframe packets.
    private var learned: [Int: Double] = [:]
    /// Keyframes a seek did not land on: never asked for again.
    private var distrusted: Set<Int> = []

    init(entries: [InputContainer.IndexedKeyframe], timeBase: Double, spacing: Double) {
        self.entries = entries
        self.timeBase = timeBase
        self.spacing = spacing
        var byPosition: [Int64: Int] = [:]
        for (i, e) in entries.enumerated() where e.position >= 0 { byPosition[e.position] = i }
        self.byPosition = byPosition
    }

    var isEmpty: Bool { entries.isEmpty }

    /// The presentation timestamp to seek to for keyframe `j` (its index timestamp until the offset is known).
    func seekTimestamp(_ j: Int) -> Int64 { entries[j].timestamp + (offset ?? 0) }

    /// Which keyframe a keyframe packet is: by byte position, else the last whose estimated time is not after it.
    func keyframe(position: Int64?, pts: Int64?) -> Int? {
        if let position, let j = byPosition[position] { return j }
        guard let pts else { return nil }
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if seekTimestamp(mid) <= pts { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    /// Record what a keyframe packet says: the offset (first time) and the keyframe's shown time.
    mutating func learn(position: Int64?, pts: Int64?, start: Double?) {
        guard let position, let pts, let j = byPosition[position] else { return }
        if offset == nil { offset = pts - entries[j].timestamp }
        if let start { learned[j] = Double(pts) * timeBase - start }
    }

    mutating func distrust(_ j: Int) { distrusted.insert(j) }

    /// Seconds from the first frame shown to keyframe `j` being shown (estimated until its packet is read).
    func shownTime(_ j: Int, start: Double) -> Double {
        learned[j] ?? Double(seekTimestamp(j)) * timeBase - start
    }

    /// Whether decoding from a keyframe shown at `time` can serve `target`: every frame shown before it is
    /// more than the tap's tolerance before the target, so the tap would not have taken it.
    func canServe(_ target: Double, fromKeyframeAt time: Double) -> Bool {
        time - spacing + ThumbnailTap.tolerance < target
    }

    /// The latest keyframe from which decoding forward serves `target` (nil: only reading from the start does).
    func keyframe(for target: Double, start: Double) -> Int? {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if canServe(target, fromKeyframeAt: shownTime(mid, start: start)) { lo = mid + 1 } else { hi = mid }
        }
        var j = lo - 1
        while j >= 0, distrusted.contains(j) || !canServe(target, fromKeyframeAt: shownTime(j, start: start)) { j -= 1 }
        return j >= 0 ? j : nil
    }
}
