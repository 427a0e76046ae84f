import Job

/// Maps decoded frames (any timing, VFR included) onto a constant-rate output: each output slot `n`
/// (time `n / fps` after the first frame) shows the latest frame that started at or before it.
/// Frames too close together are dropped; gaps are filled by repeating the previous frame.
struct FrameRateMapper {
    let fps: Double
    private(set) var nextSlot: Int64 = 0
    /// A frame exactly halfway between two slots goes to the earlier slot (otherwise: the later, as
    /// `rounded()` does). Set when the frames come at twice the output rate (field-rate deinterlacing), so a
    /// frame-rate output takes the first field of each frame, as bwdif's frame mode would.
    let preferEarlier: Bool
    private var lastEnd: Double = 0
    private var lastStart: Double = 0

    init(fps: Double, preferEarlier: Bool = false) {
        self.fps = fps
        self.preferEarlier = preferEarlier
    }

    /// Slots the previous frame must fill before this frame, and whether this frame takes a slot.
    /// - Parameter time: seconds from the first frame.
    /// - Returns: `repeatPrevious` slots for the previous frame, then `take` (this frame's slot) or not.
    mutating func place(time: Double, duration: Double?) -> (repeatPrevious: Int64, take: Bool) {
        let slot = preferEarlier ? Int64((time * fps - 1e-6).rounded()) : Int64((time * fps).rounded())
        var repeats: Int64 = 0
        if slot > nextSlot {
            repeats = slot - nextSlot
            nextSlot = slot
        }
        let end = time + (duration.flatMap { $0 > 0 ? $0 : nil } ?? 1 / fps)
        lastEnd = max(lastEnd, end)
        lastStart = max(lastStart, time)
        if slot < nextSlot { return (repeats, false) }
        nextSlot += 1
        return (repeats, true)
    }

    /// At the end of the stream: how many more slots the last frame fills (up to its end time).
    /// - Parameter streamEnd: where the stream ends (seconds from the first frame), when the container
    ///   says: the last frame lasts until then. Frame durations are the fallback (FFmpeg 5.1's `pkt_duration`
    ///   of the last frames is often 0 or a default, which loses a long last frame of a VFR clip). It only
    ///   ever lengthens the last frame (FFmpeg 5.1's MP4 muxer can write a stream duration short of the last
    ///   frame's end when B-frames shift it), and one implausibly far after the last frame is ignored.
    mutating func finish(streamEnd: Double? = nil) -> Int64 {
        var end = lastEnd
        if let streamEnd, streamEnd > end, streamEnd <= lastStart + Self.longestLastFrame { end = streamEnd }
        let endSlot = Int64((end * fps).rounded())
        let extra = max(0, endSlot - nextSlot)
        nextSlot += extra
        return extra
    }

    var slotCount: Int64 { nextSlot }

    /// The longest a last frame may be shown for, by the stream's end (a still held at the end of a clip).
    static let longestLastFrame = 10.0
}

/// The output frame rate for a source rate, an optional cap and an optional floor: the source's own rate
/// when it is sane, otherwise 30; never above the cap; below the floor, the smallest whole multiple of the
/// rate that reaches it (each frame shown the same number of times: 15 → 30 for a floor of 23), or the
/// floor itself when that multiple would pass the cap. Rates close to NTSC values keep their exact rationals.
func outputFrameRate(source: (num: Int32, den: Int32)?, cap: Double?, floor: Double? = nil) -> (num: Int32, den: Int32) {
    var rate: (num: Int32, den: Int32) = (30, 1)
    if let s = source, s.num > 0, s.den > 0 {
        let v = Double(s.num) / Double(s.den)
        if v >= 1, v <= 240 { rate = s }
    }
    if let cap, cap > 0, Double(rate.num) / Double(rate.den) > cap + 0.01 {
        // Halve (keeps frames evenly spaced) while that is still at or above the cap, else use the cap.
        var r = rate
        while Double(r.num) / Double(r.den) / 2 >= cap - 0.01 { r.den *= 2 }
        if Double(r.num) / Double(r.den) > cap + 0.01 { r = (Int32(cap.rounded()), 1) }
        rate = r
    }
    if let floor, floor > 0, Double(rate.num) / Double(rate.den) < floor - 0.01 {
        let v = Double(rate.num) / Double(rate.den)
        let k = (floor / v - 0.0001).rounded(.up)
        if k * v <= (cap ?? .infinity) + 0.01, Double(rate.num) * k <= Double(Int32.max) {
            rate = (rate.num * Int32(k), rate.den)
        } else {
            rate = (Int32(floor.rounded(.up)), 1)
        }
    }
    // Reduce.
    func gcd(_ a: Int32, _ b: Int32) -> Int32 { b == 0 ? a : gcd(b, a % b) }
    let g = gcd(rate.num, rate.den)
    return (rate.num / g, rate.den / g)
}
