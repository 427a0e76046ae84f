import Job
import Media

/// The audio half of a job, run once on the source thread: decode → resample to 48 kHz stereo (placing
/// every sample by its timestamp) → AAC encode. Its packets go to every rendition.
///
/// Timeline: output sample 0 is the first video frame's time plus the encoder's priming. Without edit
/// lists (platforms reject them) a player starts the priming samples at zero, so feeding the encoder from
/// `t0 + priming` puts each sound exactly at its picture.
final class AudioTrack {
    let decoder: Decoder
    let resampler: Resampler
    /// One encoder per distinct bitrate asked for by the renditions (usually one).
    let encoders: [Encoder]
    private let sampleRate: Int
    private var pending: [Frame] = []
    private var start: Double?
    private var sent: [Int64]
    private let frameSize: Int
    private let packet: Packet
    private let frame: Frame
    private let file: String
    /// Loudness normalisation's gain and limiter (jobs with `audio`), applied to every chunk before the encoders.
    /// Its latency is taken off each frame's position, so sound stays at its picture.
    var loudness: LoudnessProcessor?
    /// Called with each encoded packet and the index of its encoder.
    var deliver: (Packet, Int) throws -> Void = { _, _ in }

    init(input: InputContainer, stream: Int, bitrates: [Int], sampleRate: Int = 48_000, globalHeader: Bool) throws {
        decoder = try Decoder(input: input, stream: stream, threads: 1)
        resampler = try Resampler(outputRate: sampleRate, compensate: true)
        encoders = try bitrates.map { try Encoder.aac(AudioEncoderSettings(sampleRate: sampleRate, bitRate: $0 * 1000), globalHeader: globalHeader) }
        self.sampleRate = sampleRate
        sent = Array(repeating: 0, count: bitrates.count)
        frameSize = encoders.first?.frameSize ?? 1024
        packet = try Packet()
        frame = try Frame()
        file = input.path
    }

    private var priming: Int { encoders.first?.initialPadding ?? 0 }

    /// The first video frame's time is known: place what waited for it.
    func setStart(_ t0: Double) throws {
        guard start == nil else { return }
        start = t0
        let waiting = pending
        pending.removeAll()
        for f in waiting { try place(f) }
    }

    func decode(_ packet: Packet) throws {
        try decoder.feed(packet, into: frame, decoded)
    }

    private func decoded(_ frame: Frame) throws {
        let f = try frame.reference()
        if start == nil {
            pending.append(f)
            if pending.count > 2000 {
                throw MediaError.unsupported("decode audio", "no video frame after \(pending.count) audio frames", file: file)
            }
        } else {
            try place(f)
        }
    }

    private func place(_ f: Frame) throws {
        guard let start else { return }
        var position: Double? = nil
        if let pts = f.pts {
            let seconds = Double(pts) * decoder.timeBase.double
            position = (seconds - start) * Double(sampleRate) - Double(priming) - Double(loudness?.latency ?? 0)
        }
        try resampler.push(f, outputPosition: position)
        try encodeBuffered(limit: nil)
    }

    /// Encode whole frames from the FIFO (up to `limit` samples in all, when given).
    private func encodeBuffered(limit: Int64?) throws {
        while resampler.buffered >= frameSize {
            var n = frameSize
            if let limit {
                let remaining = limit - sent[0]
                if remaining <= 0 { return }
                n = Int(min(Int64(n), remaining))
            }
            guard let chunk = try resampler.pop(n) else { return }
            try encode(chunk)
        }
    }

    private func encode(_ chunk: Frame) throws {
        loudness?.process(chunk)
        for (i, encoder) in encoders.enumerated() {
            let f = i == encoders.count - 1 ? chunk : try chunk.reference()
            f.pts = sent[i]
            sent[i] += Int64(f.sampleCount)
            try encoder.feed(f, into: packet) { try deliver($0, i) }
        }
    }

    /// End of input: flush, pad with silence or cut so the audio lasts exactly `videoDuration`.
    func finish(videoDuration: Double) throws {
        try decoder.feed(nil, into: frame, decoded)
        if start == nil { try setStart(0) }
        try resampler.flush()
        let wanted = max(0, Int64((videoDuration * Double(sampleRate)).rounded()) - Int64(priming))
        let have = sent[0] + Int64(resampler.buffered)
        if have < wanted { try resampler.pushSilence(Int(wanted - have)) }
        try encodeBuffered(limit: wanted)
        let remaining = wanted - sent[0]
        if remaining > 0, let last = try resampler.pop(Int(remaining)) { try encode(last) }
        for i in encoders.indices {
            try encoders[i].feed(nil, into: packet) { try deliver($0, i) }
        }
    }
}
