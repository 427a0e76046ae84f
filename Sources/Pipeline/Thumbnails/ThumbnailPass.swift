import Job
import Media

/// Decode-only pass for thumbnail-only jobs: decodes only what the tap needs.
///
/// Why it is not the frame core: with no rendition to encode, every frame the core would decode is waste;
/// this pass feeds the same `ThumbnailTap` (so the picks and black-frame avoidance are one code path) but
/// seeks and skips what the tap would ignore.
///
/// The tap must see the frames a full decode would give it, in the same order, except frames it would ignore
/// anyway: those shown before its pending target (see `ThumbnailTap.pendingTarget`). Two savings rest on that:
/// - **seek**: when the pending target's keyframe lies in a later GOP than the one being read, seek to it
///   (keyframes from the demuxer's index), flush the decoder and read on; dense targets (the next target in
///   the GOP being read) keep decoding through. A seek is checked where it lands: the keyframe packet's
///   time must still serve the target, else we step back a keyframe. After a seek, frames shown before the
///   keyframe (open-GOP leading pictures) or at or before the last frame offered are not offered;
/// - **skip non-reference frames**: packets shown before the pending target go to the decoder with
///   `skip_frame = AVDISCARD_NONREF`, so pictures nothing refers to are not decoded at all (the others decode
///   bit-exactly as before). Never in the last second, where the last frame may serve a target past the end.
///
/// Only the video stream is read (the demuxer discards the others), and decoding stops once every target has
/// its shot.
package enum ThumbnailPass {
    package struct Strategy: Sendable {
        var seek: Bool
        var skipNonReference: Bool
        package static let fast = Strategy(seek: true, skipNonReference: true)
        /// Every frame decoded from the start: the reference the fast path must match.
        package static let decodeThrough = Strategy(seek: false, skipNonReference: false)
    }

    /// What a pass did.
    package struct Report: Sendable, Equatable {
        /// Pictures the decoder returned.
        var framesDecoded = 0
        /// Video packets sent to the decoder, and how many of them with non-reference pictures skipped.
        var packetsSent = 0
        var packetsSentSkipping = 0
        var seeks = 0
    }

    /// - Parameter threads: decoder threads (0: FFmpeg's choice).
    @discardableResult
    /// - Parameter progress: called at most every 0.5 s with the frames decoded and the share of targets
    ///   served (the worker's stall detector watches it), and once at the end.
    package static func run(input: InputContainer, stream: Int, tap: ThumbnailTap, cancel: CancellationToken,
                    threads: Int = 0, strategy: Strategy = .fast,
                    progress: ((CoreProgress) -> Void)? = nil) throws -> Report {
        let walk = try ThumbnailWalk(input: input, stream: stream, tap: tap, cancel: cancel, threads: threads,
                                     strategy: strategy)
        walk.progress = progress
        try walk.run()
        return walk.report
    }
}

/// One run of `ThumbnailPass`: the read–seek–decode loop and its state.
private final class ThumbnailWalk {
    private let input: InputContainer
    private let stream: Int
    private let tap: ThumbnailTap
    private let cancel: CancellationToken
    private var strategy: ThumbnailPass.Strategy
    private let decoder: Decoder
    private let packet: Packet
    private let frame: Frame
    private let timeBase: Double
    private var keyframes: KeyframeMap
    /// Packets shown at or after this (absolute seconds) are never skipped.
    private let skipLimit: Double
    private(set) var report = ThumbnailPass.Report()
    var progress: ((CoreProgress) -> Void)?
    private let started = monotonicSeconds()
    private var lastProgress = monotonicSeconds()

    /// Time of the first frame shown (absolute seconds); frame times are relative to it.
    private var start: Double?
    /// The keyframe (index into `keyframes`) of the GOP being read.
    private var currentKeyframe = -1
    /// The keyframe the last seek asked for, until its first packet is read.
    private var seekingTo: Int?
    /// After a seek: frames shown before this are not offered.
    private var floor: Double?
    private var lastOffered = -Double.infinity
    /// The seek decision for one pending target (recomputed when the target or what we know changes).
    private var planned: (target: Double, keyframe: Int?)?

    init(input: InputContainer, stream: Int, tap: ThumbnailTap, cancel: CancellationToken, threads: Int,
         strategy: ThumbnailPass.Strategy) throws {
        self.input = input
        self.stream = stream
        self.tap = tap
        self.cancel = cancel
        self.strategy = strategy
        decoder = try Decoder(input: input, stream: stream, threads: threads)
        packet = try Packet()
        frame = try Frame()
        timeBase = decoder.timeBase.double
        let info = input.streamInfo(stream)
        var spacing = 0.0
        for rate in [info.frameRate, info.averageFrameRate] {
            if let rate, rate.isValid, rate.double <= 1000 { spacing = spacing == 0 ? 1 / rate.double : min(spacing, 1 / rate.double) }
        }
        keyframes = KeyframeMap(entries: strategy.seek ? input.indexedKeyframes(stream: stream) : [],
                                timeBase: timeBase, spacing: spacing)
        if let duration = info.duration ?? input.durationSeconds {
            skipLimit = (info.startTime ?? input.startSeconds ?? 0) + duration - max(1.0, 4 * spacing)
        } else {
            skipLimit = -Double.infinity
        }
    }

    func run() throws {
        input.discardStreams(except: stream)
        while tap.pendingTarget != nil {
            if cancel.isCancelled { throw PipelineError.cancelled }
            if strategy.seek, seekingTo == nil, let j = keyframeWorthSeeking() { try seek(to: j) }
            guard try input.read(into: packet) else { break }
            guard packet.streamIndex == Int32(stream) else { continue }
            if seekingTo != nil {
                guard try land() else { continue }
            } else if packet.isKeyframe, !keyframes.isEmpty {
                keyframes.learn(position: packet.position, pts: packet.pts, start: start)
                if let j = keyframes.keyframe(position: packet.position, pts: packet.pts) { currentKeyframe = j }
            }
            let skip = skipsPacket()
            decoder.skipsNonReferenceFrames = skip
            report.packetsSent += 1
            if skip { report.packetsSentSkipping += 1 }
            try decoder.feed(packet, into: frame, offer)
            reportProgressIfDue()
        }
        if tap.pendingTarget != nil {
            decoder.skipsNonReferenceFrames = false
            try decoder.feed(nil, into: frame, offer)
            reportProgressIfDue()
        }
        try tap.finish()
        if progress != nil { reportProgress() }
    }

    /// A decoded picture: offered to the tap unless it is one the tap must not see again (see the type's notes).
    private func offer(_ frame: Frame) throws {
        report.framesDecoded += 1
        let t = Double(frame.pts ?? 0) * timeBase
        if start == nil { start = t }
        let time = t - start!
        if let floor, time < floor || time <= lastOffered { return }
        lastOffered = time
        try tap.offer(frame, time: time)
    }

    private func reportProgressIfDue() {
        if progress != nil, monotonicSeconds() - lastProgress >= 0.5 { reportProgress() }
    }

    private func reportProgress() {
        let now = monotonicSeconds()
        lastProgress = now
        let elapsed = now - started
        let fraction = tap.servedFraction
        progress?(CoreProgress(frames: Int64(report.framesDecoded), total: nil, fraction: fraction,
                               fps: elapsed > 0 ? Double(report.framesDecoded) / elapsed : 0, elapsed: elapsed,
                               eta: fraction > 0 && fraction < 1 ? elapsed * (1 - fraction) / fraction : nil))
    }

    /// The keyframe to seek to for the pending target, when it lies in a later GOP than the one being read.
    private func keyframeWorthSeeking() -> Int? {
        guard let start, let target = tap.pendingTarget, !keyframes.isEmpty else { return nil }
        if planned?.target != target {
            planned = (target, keyframes.keyframe(for: target, start: start))
        }
        guard let j = planned?.keyframe, j > currentKeyframe else { return nil }
        return j
    }

    private func seek(to j: Int) throws {
        try input.seek(stream: stream, toTimestamp: keyframes.seekTimestamp(j))
        decoder.flushBuffers()
        report.seeks += 1
        seekingTo = j
    }

    /// The first video packet after a seek. Returns whether to decode it: it must be a keyframe whose shown
    /// time still serves the pending target; otherwise seek a keyframe further back (or read from the start).
    private func land() throws -> Bool {
        let asked = seekingTo!
        seekingTo = nil
        planned = nil
        guard packet.isKeyframe, let pts = packet.pts, let start,
              let j = keyframes.keyframe(position: packet.position, pts: pts) else {
            // Not on a keyframe we know: decoding from here could show damaged pictures. Read from the start.
            strategy.seek = false
            try input.seek(stream: stream, toTimestamp: keyframes.seekTimestamp(0))
            decoder.flushBuffers()
            report.seeks += 1
            floor = -Double.infinity
            currentKeyframe = 0
            return false
        }
        keyframes.learn(position: packet.position, pts: pts, start: start)
        if j != asked { keyframes.distrust(asked) }
        let shown = Double(pts) * timeBase - start
        if j > 0, let target = tap.pendingTarget, !keyframes.canServe(target, fromKeyframeAt: shown) {
            // Too late for the target (the estimate was off, now corrected): step back. The first keyframe
            // always serves: no frame is shown before it.
            try seek(to: max(0, min(asked, j) - 1))
            return false
        }
        currentKeyframe = j
        floor = shown
        return true
    }

    /// Whether the packet's picture, if nothing refers to it, can go undecoded: it is shown before the pending
    /// target (beyond the tap's tolerance), so the tap would ignore it, and not near the end.
    private func skipsPacket() -> Bool {
        guard strategy.skipNonReference, let start, let target = tap.pendingTarget, let pts = packet.pts else { return false }
        let t = Double(pts) * timeBase
        return t - start + ThumbnailTap.tolerance < target && t < skipLimit
    }
}
