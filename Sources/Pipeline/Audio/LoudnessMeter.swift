import CEBUR128
import Foundation
import Job
import Media

/// Owns a libebur128 state measuring integrated loudness, loudness range and true peak (ITU-R BS.1770-4,
/// EBU R128) of 48 kHz stereo float audio. Histogram mode: memory is the same however long the audio.
public final class LoudnessMeter {
    private var state: UnsafeMutablePointer<ebur128_state>?
    public let channels: Int
    private var scratch: [Float] = []
    public private(set) var samples: Int64 = 0

    public init(channels: Int = 2, sampleRate: Int = 48_000) throws {
        let mode = EBUR128_MODE_I.rawValue | EBUR128_MODE_LRA.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue
            | EBUR128_MODE_HISTOGRAM.rawValue
        guard let s = ebur128_init(UInt32(channels), UInt(sampleRate), Int32(bitPattern: mode)) else {
            throw PipelineError.internalFailure("libebur128: cannot allocate a loudness meter")
        }
        state = s
        self.channels = channels
    }

    deinit { ebur128_destroy(&state) }

    /// Adds a planar float frame (the resampler's and the AAC encoder's format: FLTP, `channels` planes).
    public func add(planar frame: Frame) throws {
        let n = frame.sampleCount
        guard n > 0 else { return }
        if scratch.count < n * channels { scratch = [Float](repeating: 0, count: n * channels) }
        for c in 0..<channels {
            guard let plane = frame.data(c) else { continue }
            plane.withMemoryRebound(to: Float.self, capacity: n) { p in
                for i in 0..<n { scratch[i * channels + c] = p[i] }
            }
        }
        try add(interleaved: scratch, frames: n)
    }

    /// Adds `frames` interleaved frames from `buffer`.
    public func add(interleaved buffer: [Float], frames: Int) throws {
        let code = buffer.withUnsafeBufferPointer { ebur128_add_frames_float(state, $0.baseAddress, frames) }
        guard code == Int32(EBUR128_SUCCESS.rawValue) else {
            throw PipelineError.internalFailure("libebur128: add frames failed (\(code))")
        }
        samples += Int64(frames)
    }

    /// The figures so far. Silence (nothing above the −70 LUFS gate) has no integrated loudness.
    public var figures: LoudnessFigures {
        var integrated = 0.0, range = 0.0
        let i = ebur128_loudness_global(state, &integrated) == Int32(EBUR128_SUCCESS.rawValue) && integrated.isFinite ? integrated : nil
        let r = ebur128_loudness_range(state, &range) == Int32(EBUR128_SUCCESS.rawValue) && range.isFinite ? range : nil
        var peak = 0.0
        for c in 0..<channels {
            var p = 0.0
            if ebur128_true_peak(state, UInt32(c), &p) == Int32(EBUR128_SUCCESS.rawValue) { peak = max(peak, p) }
        }
        let tp: Double? = peak > 0 ? 20 * log10(peak) : nil
        return LoudnessFigures(integrated: i.map(Self.round2), range: r.map(Self.round2), truePeak: tp.map(Self.round2))
    }

    static func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
}

/// An audio-only pass over a file: demux, decode the best audio stream, resample to 48 kHz stereo (what the
/// AAC encoder gets), measure. Video packets are read and dropped, never decoded: the cheap first pass
/// before the one decode, and the measure of an encoded output.
public enum LoudnessScan {
    /// The figures of `path`'s audio, or nil when it has no audio stream.
    /// - Parameter processing: gain and limiter applied before measuring (the check of a decision).
    public static func measure(path: String, policy: InputPolicy = .default, cancel: CancellationToken? = nil,
                               processing: LoudnessProcessor? = nil) throws -> LoudnessFigures? {
        let input = try InputContainer(path: path, policy: policy, cancel: cancel)
        guard let stream = input.bestStream(.audio) else { return nil }
        let decoder = try Decoder(input: input, stream: stream, threads: 1)
        let resampler = try Resampler(outputRate: 48_000, compensate: false)
        let meter = try LoudnessMeter()
        let packet = try Packet()
        let frame = try Frame()
        func drain() throws {
            while resampler.buffered > 0, let chunk = try resampler.pop(min(resampler.buffered, 4096)) {
                processing?.process(chunk)
                try meter.add(planar: chunk)
            }
        }
        let take: (Frame) throws -> Void = { f in
            try resampler.push(f)
            try drain()
        }
        while try input.read(into: packet) {
            if cancel?.isCancelled == true { throw PipelineError.cancelled }
            guard packet.streamIndex == Int32(stream) else { continue }
            try decoder.feed(packet, into: frame, take)
        }
        try decoder.feed(nil, into: frame, take)
        try resampler.flush()
        try drain()
        return meter.figures
    }
}
