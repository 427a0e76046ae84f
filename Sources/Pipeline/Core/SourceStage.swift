import Job
import Media
import Synchronization

/// The source thread: demux, decode video once, place frames on each rendition's constant-rate grid,
/// hand them to the processing threads, run the audio track, feed the thumbnail tap.
final class SourceStage {
    let input: InputContainer
    let videoIndex: Int
    let audio: AudioTrack?
    let runtimes: [RenditionRuntime]
    let work: BoundedQueue<FrameCore.Work>
    let ordered: [ReorderQueue<FrameCore.Item>]
    let counters: FrameCore.Counters
    let cancel: CancellationToken
    let tap: FrameTap?
    let decoderThreads: Int
    /// Between the decoder and placement when the source may be interlaced (see `Deinterlacer`); nil: never.
    let deinterlacer: Deinterlacer?
    /// Where the video stream ends (seconds, the stream's own clock), when the container says: the last
    /// frame is shown until then.
    let videoEnd: Double?

    private var seqs: [Int]
    private var slotCounters: [Int64]
    /// For each rendition, the index of the AAC encoder (one per distinct bitrate, sorted) it takes packets from.
    private let audioEncoderOf: [Int]
    private var mappers: [FrameRateMapper]
    private var previous: Frame?
    private var start: Double?
    private var lastTime: Double = 0
    /// HDR (PQ/HLG) frames become BT.709 SDR here, once per source frame, before renditions and the tap.
    private lazy var toSDR = HDRConverter(streamMetadata: input.hdrMetadata(of: videoIndex),
                                          helperThreads: HDRConverter.helperThreads())

    init(input: InputContainer, videoIndex: Int, audio: AudioTrack?, runtimes: [RenditionRuntime],
         work: BoundedQueue<FrameCore.Work>, ordered: [ReorderQueue<FrameCore.Item>], counters: FrameCore.Counters,
         cancel: CancellationToken, tap: FrameTap?, decoderThreads: Int, deinterlacer: Deinterlacer? = nil,
         videoEnd: Double? = nil) {
        self.input = input
        self.videoIndex = videoIndex
        self.audio = audio
        self.runtimes = runtimes
        self.work = work
        self.ordered = ordered
        self.counters = counters
        self.cancel = cancel
        self.tap = tap
        self.decoderThreads = decoderThreads
        self.deinterlacer = deinterlacer
        self.videoEnd = videoEnd
        seqs = Array(repeating: 0, count: runtimes.count)
        slotCounters = Array(repeating: 0, count: runtimes.count)
        let rates = Array(Set(runtimes.map(\.plan.audioBitrateKbps))).sorted()
        audioEncoderOf = runtimes.map { rates.firstIndex(of: $0.plan.audioBitrateKbps) ?? 0 }
        let fieldRate = deinterlacer?.fieldRate ?? false
        mappers = runtimes.map { FrameRateMapper(fps: $0.frameRate.double, preferEarlier: fieldRate) }
    }

    /// Returns the number of output frames (slots) of the first rendition.
    func run() throws -> Int64 {
        let decoder = try Decoder(input: input, stream: videoIndex, threads: decoderThreads)
        let packet = try Packet()
        let frame = try Frame()
        // The closure holds this stage (its sequence numbers) and the audio track holds the closure, while this
        // stage holds the audio track: unset it however the run ends, or the cycle keeps the whole pipeline —
        // the open input, the decoders, the queued frames — alive after the job.
        defer { audio?.deliver = { _, _ in } }
        audio?.deliver = { [ordered, runtimes, audioEncoderOf] packet, encoderIndex in
            for i in runtimes.indices {
                // Every rendition takes the packets of the AAC encoder of its bitrate.
                guard audioEncoderOf[i] == encoderIndex else { continue }
                let copy = try packet.reference()
                ordered[i].put(self.nextSeq(i), .audio(copy))
            }
        }
        while try input.read(into: packet) {
            if cancel.isCancelled { throw PipelineError.cancelled }
            try input.checkInterrupt()
            if packet.streamIndex == Int32(videoIndex) {
                try sendVideo(packet, decoder, frame)
            } else if let audio, packet.streamIndex == Int32(audio.decoder.streamIndex) {
                try audio.decode(packet)
            }
        }
        try decoder.feed(nil, into: frame) { try decoded($0, decoder) }
        try deinterlacer?.finish { try place($0, timeBase: $1) }
        // The last frame fills the slots up to its end: the end of the stream when the container says where
        // that is (the decoder's duration of the last frames is often missing or short), else its own duration.
        let end = videoEnd.flatMap { e in start.map { e - $0 } }
        for i in runtimes.indices {
            let extra = mappers[i].finish(streamEnd: end)
            if let previous { for _ in 0..<extra { try emit(previous, rendition: i) } }
        }
        let videoDuration = Double(mappers.first?.slotCount ?? 0) / (runtimes.first?.frameRate.double ?? 30)
        try audio?.finish(videoDuration: videoDuration)
        try tap?.finish()
        for i in runtimes.indices { ordered[i].put(nextSeq(i), .end) }
        work.close()
        return mappers.first?.slotCount ?? 0
    }

    private func nextSeq(_ i: Int) -> Int {
        let s = seqs[i]
        seqs[i] += 1
        return s
    }

    private func sendVideo(_ packet: Packet, _ decoder: Decoder, _ frame: Frame) throws {
        try decoder.feed(packet, into: frame) { try decoded($0, decoder) }
    }

    private func decoded(_ frame: Frame, _ decoder: Decoder) throws {
        counters.decoded.add(1)
        if let deinterlacer {
            try deinterlacer.push(frame, timeBase: decoder.timeBase) { try place($0, timeBase: $1) }
        } else {
            try place(frame, timeBase: decoder.timeBase)
        }
    }

    private func place(_ frame: Frame, timeBase: Rational) throws {
        var seconds: Double
        if let pts = frame.pts { seconds = Double(pts) * timeBase.double } else { seconds = lastTime + 1 / (runtimes.first?.frameRate.double ?? 30) }
        if start == nil {
            start = seconds
            try audio?.setStart(seconds)
        }
        let time = seconds - start!
        lastTime = seconds
        let durationTicks = frame.durationTicks
        let duration: Double? = durationTicks > 0 ? Double(durationTicks) * timeBase.double : nil
        let current = HDRConverter.isHDR(frame) ? try toSDR.convert(frame) : try frame.reference()
        for i in runtimes.indices {
            let (repeats, take) = mappers[i].place(time: max(0, time), duration: duration)
            if let previous { for _ in 0..<repeats { try emit(previous, rendition: i) } }
            if take { try emit(current, rendition: i) }
        }
        try tap?.offer(current, time: time)
        previous = current
    }

    private func emit(_ frame: Frame, rendition i: Int) throws {
        let slot = slotCounters[i]
        slotCounters[i] += 1
        let ok = work.put(FrameCore.Work(seq: nextSeq(i), slot: slot, rendition: i, frame: try frame.reference()))
        if !ok { throw PipelineError.cancelled }
    }
}
