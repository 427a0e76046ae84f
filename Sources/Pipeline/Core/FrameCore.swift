import Foundation
import Job
import Media
import Synchronization

/// Sees every decoded video frame on the source thread (thumbnails are tapped here). It must not keep
/// the frame: take a reference if needed, and hand heavy work to a thread of its own.
public protocol FrameTap: AnyObject {
    /// - Parameter time: seconds from the first video frame.
    func offer(_ frame: Frame, time: Double) throws
    func finish() throws
}

/// The multithreaded frame-processing core: one demux and decode, many renditions.
///
///     source thread: demux → decode video (FFmpeg frame threads) → deinterlace (interlaced sources only:
///                    bwdif, see `Deinterlacer`) → CFR slots ──────────────────┬→ work queue
///                    decode audio → resample → AAC (once) ──────────────────────┼→ every rendition's reorder queue
///                    thumbnail tap                                              │
///     K processing threads: work queue → scale/crop/rotate/pad → stamp ────────┴→ reorder queue (by number)
///     one encoder thread per rendition: reorder queue → x264 → mux (video + the shared audio packets)
///
/// Every queue is bounded, so memory stays flat however long the video; every stage stops when the
/// cancellation token is set or another stage fails.
public final class FrameCore {
    enum Item {
        case video(Frame, slot: Int64)
        case audio(Packet)
        case end
    }
    struct Work {
        var seq: Int
        var slot: Int64
        var rendition: Int
        var frame: Frame
    }

    final class Counters: Sendable {
        let encoded: [Counter]
        let decoded = Counter()
        init(renditions: Int) { encoded = (0..<renditions).map { _ in Counter() } }
        var slowest: Int64 { encoded.map(\.value).min() ?? 0 }
    }

    final class Timings: Sendable {
        private let values = Mutex<[String: Double]>([:])
        func add(_ stage: String, _ seconds: Double) {
            values.withLock { $0[stage, default: 0] += seconds }
        }
        var snapshot: [String: Double] { values.withLock { $0 } }
    }

    public let inputPath: String
    public let plans: [RenditionPlan]
    public let options: CoreOptions
    public weak var tap: FrameTap?
    private var tapStrong: FrameTap?

    private var opened: InputContainer?
    /// Loudness normalisation for the audio track (see `LoudnessDecision`); nil leaves the audio as decoded.
    public var loudness: LoudnessDecision?

    /// - Parameter opened: the input, when the caller has already opened it (under the same policy), so it is
    ///   not opened and probed twice.
    public init(input: String, renditions: [RenditionPlan], options: CoreOptions, tap: FrameTap? = nil,
                opened: InputContainer? = nil) {
        self.opened = opened
        self.inputPath = input
        self.plans = renditions
        self.options = options
        self.tapStrong = tap
        self.tap = tap
    }

    /// Run the job to the end. Blocks the calling thread (never call it from Swift's cooperative pool).
    /// Four steps: open every output (a bad setting fails before any thread starts), start the stages' threads,
    /// report progress until they are done, then the report.
    public func run(progress: ((CoreProgress) -> Void)? = nil) throws -> CoreReport {
        let started = monotonicSeconds()
        let cpuStarted = processCPUSeconds()
        let input = try opened ?? InputContainer(path: inputPath, policy: options.policy, cancel: options.cancel)
        opened = nil
        var setup = try openOutputs(input)
        let stages = try startStages(setup)
        // The sinks own the encoders and muxers now: each is freed when its rendition is done.
        setup.videoEncoders.removeAll()
        setup.outputs.removeAll()
        try watch(stages, expected: setup.expected, started: started, progress: progress)
        return report(setup, stages, started: started, cpuStarted: cpuStarted)
    }

    /// What the first step opens: the input's streams, the renditions' runtimes with their encoders and muxers
    /// (headers written), the shared audio track.
    struct Setup {
        var input: InputContainer
        var videoIndex: Int
        var videoInfo: StreamInfo
        var threads: Int
        var duration: Double?
        var deinterlacer: Deinterlacer?
        var runtimes: [RenditionRuntime]
        var outputs: [OutputContainer]
        var videoEncoders: [Encoder]
        var audio: AudioTrack?
        var audioStreams: [Int?]
        /// Output frames expected of the slowest rendition, when the duration is known.
        var expected: Int64?
    }

    /// Step 1: renditions (geometry, frame rate, encoders, muxers) and audio, opened before any thread starts
    /// so a bad setting fails at once.
    private func openOutputs(_ input: InputContainer) throws -> Setup {
        let videoIndex = try input.requireVideoStream()
        let videoInfo = input.streamInfo(videoIndex)
        let audioIndex = input.bestStream(.audio)
        let threads = options.resolvedThreads
        let sourceRate = input.frameRate(of: videoIndex)
        let duration = videoInfo.duration ?? input.durationSeconds

        // Interlaced sources are deinterlaced on the source thread; at field rate when the stream says it is
        // interlaced and a rendition asks for that (its rate doubles), else at frame rate.
        let fieldRate = Deinterlacer.isInterlaced(fieldOrder: videoInfo.fieldOrder) && plans.contains { $0.deinterlace == .field }
        let deinterlacer = try options.deinterlace
            ? Deinterlacer(fieldRate: fieldRate, threads: threads, frameRate: sourceRate) : nil
        var runtimes: [RenditionRuntime] = []
        for (i, plan) in plans.enumerated() {
            // A field-rate rendition whose doubled rate is over its fps_max falls back to the frame rate (every
            // other field, evenly spaced) rather than an uneven cadence at the cap.
            let doubled = fieldRate && plan.deinterlace == .field
                && sourceRate.map { r in plan.fpsMax.map { cap in 2 * r.double <= cap + 0.01 } ?? true } == true
            let base = sourceRate.map { doubled ? Rational($0.num * 2, $0.den) : $0 }
            runtimes.append(try RenditionRuntime(index: i, plan: plan, source: videoInfo, frameRate: plan.frameRate(source: base)))
        }
        let bitrates = Array(Set(plans.map(\.audioBitrateKbps))).sorted()
        let outputs = try runtimes.map { try OutputContainer(path: $0.plan.outputPath) }
        let audio: AudioTrack? = try audioIndex.map {
            try AudioTrack(input: input, stream: $0, bitrates: bitrates, globalHeader: outputs.first?.needsGlobalHeader ?? true)
        }
        if let loudness { audio?.loudness = LoudnessProcessor(decision: loudness) }
        let x264Threads = options.encoderThreads.map { t in runtimes.map { _ in t } }
            ?? Self.encoderThreads(total: threads, pixelRates: runtimes.map {
                Double($0.outputWidth * $0.outputHeight) * $0.frameRate.double
            })
        var videoEncoders: [Encoder] = []
        var audioStreams: [Int?] = []
        for (i, r) in runtimes.enumerated() {
            var settings = VideoEncoderSettings(width: r.outputWidth, height: r.outputHeight, frameRate: r.frameRate,
                                                crf: r.plan.crf, preset: r.plan.preset, maxBitrateKbps: r.plan.maxBitrateKbps,
                                                keyframeSeconds: r.plan.keyframeSeconds, threads: x264Threads[i])
            settings.colorSpace = r.color.space
            settings.colorPrimaries = r.color.primaries
            settings.colorTransfer = r.color.transfer
            let encoder = try Encoder.h264(settings, globalHeader: outputs[i].needsGlobalHeader)
            videoEncoders.append(encoder)
            try outputs[i].addStream(for: encoder)
            if let audio {
                let e = audio.encoders[bitrates.firstIndex(of: r.plan.audioBitrateKbps)!]
                audioStreams.append(try outputs[i].addStream(for: e))
            } else {
                audioStreams.append(nil)
            }
            try outputs[i].writeHeader()
        }
        let expected = duration.map { d in runtimes.map { Int64((d * $0.frameRate.double).rounded()) }.min() ?? 0 }
        return Setup(input: input, videoIndex: videoIndex, videoInfo: videoInfo, threads: threads, duration: duration,
                     deinterlacer: deinterlacer, runtimes: runtimes, outputs: outputs, videoEncoders: videoEncoders,
                     audio: audio, audioStreams: audioStreams, expected: expected)
    }

    /// The running stages: their threads, the counters progress reads, and what the report collects.
    struct Stages {
        var group: ThreadGroup
        var source: SourceStage
        var counters: Counters
        var timings: Timings
        var reportBox: ReportBox
    }

    /// Step 2: the source thread, the processing threads and one encoder thread per rendition (whose sink
    /// takes the rendition's encoder and muxer).
    private func startStages(_ setup: Setup) throws -> Stages {
        let runtimes = setup.runtimes
        let workers = max(1, min(setup.threads, 8))
        let work = BoundedQueue<Work>(capacity: workers * 2)
        let window = max(8, workers * 3)
        let ordered = runtimes.map { _ in ReorderQueue<Item>(window: window) }
        let counters = Counters(renditions: runtimes.count)
        let timings = Timings()
        let cancel = options.cancel
        let group = ThreadGroup(onError: {
            cancel.cancel()
            work.cancel()
            for q in ordered { q.cancel() }
        })
        let reportBox = ReportBox()
        // The sinks take the encoders and muxers: built before any thread starts, so a failure here starts none.
        let sinks = try runtimes.indices.map { i in
            try RenditionSink(encoder: setup.videoEncoders[i], output: setup.outputs[i], audioStream: setup.audioStreams[i],
                              queue: ordered[i], counter: counters.encoded[i], cancel: cancel)
        }

        // Source thread.
        let source = SourceStage(input: setup.input, videoIndex: setup.videoIndex, audio: setup.audio, runtimes: runtimes,
                                 work: work, ordered: ordered, counters: counters, cancel: cancel, tap: tapStrong,
                                 decoderThreads: setup.threads, deinterlacer: setup.deinterlacer,
                                 videoEnd: Self.videoEnd(input: setup.input, video: setup.videoInfo, hasAudio: setup.audio != nil))
        group.spawn("mw-source") {
            let t = threadCPUSeconds()
            defer { timings.add("decode", threadCPUSeconds() - t) }
            let slots = try source.run()
            reportBox.set(slots)
        }
        // Processing threads.
        for k in 0..<workers {
            group.spawn("mw-process-\(k)") {
                let t = threadCPUSeconds()
                let processor = FrameProcessor()
                defer {
                    timings.add("scale", threadCPUSeconds() - t - processor.stampSeconds)
                    timings.add("stamp", processor.stampSeconds)
                }
                while let item = work.take() {
                    if cancel.isCancelled { throw PipelineError.cancelled }
                    let runtime = runtimes[item.rendition]
                    let out = try processor.process(item.frame, runtime, time: Double(item.slot) / runtime.frameRate.double)
                    ordered[item.rendition].put(item.seq, .video(out, slot: item.slot))
                }
            }
        }
        // Encoder threads.
        for (i, sink) in sinks.enumerated() {
            group.spawn("mw-encode-\(i)") {
                let t = threadCPUSeconds()
                defer {
                    timings.add("encode", threadCPUSeconds() - t - sink.muxSeconds)
                    timings.add("mux", sink.muxSeconds)
                }
                try sink.run()
            }
        }
        return Stages(group: group, source: source, counters: counters, timings: timings, reportBox: reportBox)
    }

    /// Step 3: this thread reports progress until the stages are done, then joins them.
    /// (It polls the group rather than waiting on a joining thread: under a tight memory limit that thread
    /// might not start, and nothing would ever end the wait.)
    private func watch(_ stages: Stages, expected: Int64?, started: Double, progress: ((CoreProgress) -> Void)?) throws {
        let counters = stages.counters
        var lastReport = 0.0
        var lastFrames: Int64 = -1
        while !stages.group.finished {
            usleep(20_000)
            let now = monotonicSeconds()
            // Report at most every interval, and only when frames moved (not while the muxers finish).
            if let progress, now - lastReport >= options.progressInterval, counters.slowest != lastFrames,
               expected.map({ counters.slowest < $0 }) ?? true {
                lastReport = now
                lastFrames = counters.slowest
                progress(Self.progress(counters: counters, expected: expected, started: started))
            }
        }
        try stages.group.join()
        if options.cancel.isCancelled { throw PipelineError.cancelled }
        progress?(Self.progress(counters: counters, expected: stages.reportBox.slots ?? expected, started: started, final: true))
    }

    /// Step 4: what each rendition got, and where the time went.
    private func report(_ setup: Setup, _ stages: Stages, started: Double, cpuStarted: Double) -> CoreReport {
        var report = CoreReport(renditions: [], hasAudio: setup.audio != nil, sourceDuration: setup.duration, timings: [:])
        report.renditions = setup.runtimes.enumerated().map { i, r in
            CoreReport.Rendition(name: r.plan.name, path: r.plan.outputPath, width: r.outputWidth, height: r.outputHeight,
                                 frames: stages.counters.encoded[i].value, frameRate: r.frameRate,
                                 duration: Double(stages.counters.encoded[i].value) / r.frameRate.double)
        }
        report.timings = stages.timings.snapshot
        report.scan = stages.source.deinterlacer.map { $0.verdict?.description ?? "progressive" }
        // CPU seconds of the threads the stages above do not see: x264's frame and lookahead threads and the
        // decoder's frame threads (their work is encoding and decoding), plus this thread's bookkeeping.
        let measured = report.timings.values.reduce(0, +)
        let cpu = processCPUSeconds() - cpuStarted
        report.timings["cpu"] = cpu
        report.timings["codec-threads"] = max(0, cpu - measured)
        report.timings["wall"] = monotonicSeconds() - started
        return report
    }

    /// Where the video stream ends on its own clock: its start plus its duration, when the container says
    /// (not a guess from the bitrate); the container's end when the video is all there is to play.
    static func videoEnd(input: InputContainer, video: StreamInfo, hasAudio: Bool) -> Double? {
        guard !input.durationIsEstimated else { return nil }
        if let d = video.duration { return (video.startTime ?? 0) + d }
        if !hasAudio, let d = input.durationSeconds { return (input.startSeconds ?? 0) + d }
        return nil
    }

    static func progress(counters: Counters, expected: Int64?, started: Double, final: Bool = false) -> CoreProgress {
        let frames = counters.slowest
        let elapsed = monotonicSeconds() - started
        let fps = elapsed > 0 ? Double(frames) / elapsed : 0
        var fraction = 0.0
        var eta: Double? = nil
        if let expected, expected > 0 {
            fraction = min(1, Double(frames) / Double(expected))
            if fps > 0 { eta = max(0, Double(expected - frames) / fps) }
        }
        if final { fraction = 1; eta = 0 }
        return CoreProgress(frames: frames, total: expected, fraction: fraction, fps: fps, elapsed: elapsed, eta: eta)
    }

    /// x264 frame threads per encoder. All encoders together get about 1.5 × the job's threads (x264's own
    /// rule for one encoder), shared by pixel rate: the encoders run side by side, so the biggest rendition
    /// must not be left on one thread while small ones finish early (it would set the wall time), and no
    /// encoder gets frame threads it cannot use (each extra frame thread costs CPU in synchronisation and
    /// weaker motion search across the frames still being encoded).
    static func encoderThreads(total: Int, pixelRates: [Double]) -> [Int] {
        let sum = pixelRates.reduce(0, +)
        guard sum > 0 else { return pixelRates.map { _ in 1 } }
        let budget = Double(max(1, total)) * 1.5
        return pixelRates.map { max(1, Int((budget * $0 / sum).rounded())) }
    }
}

/// The source thread's result, read by the calling thread after joining.
final class ReportBox: Sendable {
    private let value = Mutex<Int64?>(nil)
    func set(_ v: Int64) { value.withLock { $0 = v } }
    var slots: Int64? { value.withLock { $0 } }
}
