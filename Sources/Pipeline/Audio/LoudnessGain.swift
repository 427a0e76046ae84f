import Foundation
import Job
import Media

/// What loudness normalisation does to a job's audio, decided from the first pass: one linear gain for the
/// whole programme (so speech keeps its dynamics), and a true-peak limiter only when that gain would take
/// the true peak over the ceiling.
public struct LoudnessDecision: Sendable, Equatable {
    public var gainDB: Double
    public var limiter: Bool
    /// The limiter's ceiling, dBTP (the target's, less the headroom the AAC encoder's overshoot needs).
    public var ceilingDB: Double
    public var note: String?

    /// Never more than this much gain: a quiet phone interview (about −30 LUFS) still reaches −14, while
    /// room tone or a nearly silent track is not pumped up into hiss.
    public static let maxGainDB = 20.0
    /// Below this the track is taken for silence or near-silence and left as it is.
    public static let silenceLUFS = -60.0
    /// Room left under the true-peak target for what AAC encoding adds to peaks (measured: up to about 0.5 dB
    /// at 128 kb/s on the limited test signals).
    public static let codecHeadroomDB = 1.0

    public static func decide(_ before: LoudnessFigures, target: AudioSpec) -> LoudnessDecision {
        let ceiling = target.truePeak - codecHeadroomDB
        guard let integrated = before.integrated, integrated >= silenceLUFS else {
            let level = before.integrated.map { String(format: "%.1f LUFS", $0) } ?? "silent"
            return LoudnessDecision(gainDB: 0, limiter: false, ceilingDB: ceiling,
                                    note: "near-silent audio (\(level), below \(Int(silenceLUFS)) LUFS): left as it is")
        }
        var gain = target.loudness - integrated
        var note: String? = nil
        if gain > maxGainDB {
            note = String(format: "gain capped at +%.0f dB (the target needs %+.1f dB)", maxGainDB, gain)
            gain = maxGainDB
        }
        let peakAfter = (before.truePeak ?? -200) + gain
        return LoudnessDecision(gainDB: (gain * 100).rounded() / 100, limiter: peakAfter > ceiling, ceilingDB: ceiling, note: note)
    }

    /// The limiter takes loudness with the peaks it lowers (a lot, when short loud transients carry much of the
    /// energy). Measured in a second audio-only pass with this decision applied (`limited` LUFS), the shortfall
    /// is made up with more gain (within the cap), once: the limiter holds the peaks either way.
    public func compensated(limited: Double?, target: AudioSpec) -> LoudnessDecision {
        guard limiter, let limited, limited.isFinite else { return self }
        let shortfall = target.loudness - limited
        guard shortfall > 0.2 else { return self }
        var d = self
        d.gainDB = min(Self.maxGainDB, ((gainDB + shortfall) * 100).rounded() / 100)
        let added = String(format: "limiting took %.1f LU: gain raised to %+.1f dB", shortfall, d.gainDB)
        d.note = note.map { $0 + "; " + added } ?? added
        return d
    }
}

/// The gain and, when needed, a look-ahead true-peak limiter, on planar stereo float audio in place.
///
/// The limiter: each sample's peak is its own and the three points between it and the next at 4× oversampling
/// (a 12-tap windowed-sinc interpolator, as BS.1770's true-peak meter); the gain that keeps that peak under
/// the ceiling is held for the look-ahead (5 ms) and smoothed by a moving average over the same span, so it is
/// fully down when the peak passes, and comes back up linearly within 200 ms. Below the ceiling it is exactly the linear
/// gain: nothing moves on speech that does not reach it. It delays the audio by `latency` samples (the caller
/// places the audio that much earlier).
public final class LoudnessProcessor {
    public let gain: Float
    public let limiting: Bool
    private let ceiling: Float
    private let lookahead: Int
    /// Delay between the newest sample in and the sample out.
    public let latency: Int
    private static let taps = 12
    private static let detectorDelay = 6
    private let kernels: [[Float]]      // 3 fractional phases × 12 taps
    private let release: Float

    // Per channel: the delay line of gained input samples.
    private var history: [[Float]]
    private var writeIndex = 0
    // Gain computer state.
    private var released: Float = 1
    // Sliding minimum over the look-ahead (a monotonic queue: amortised O(1) a sample).
    private var minValues: [Float]
    private var minTimes: [Int]
    private var minHead = 0, minCount = 0
    private var time = 0
    private var avgRing: [Float]
    private var avgIndex = 0
    private var avgSum: Double
    /// The lowest gain the limiter applied (1: never engaged).
    public private(set) var minimumGain: Float = 1

    public init(decision: LoudnessDecision, sampleRate: Int = 48_000) {
        gain = Float(pow(10, decision.gainDB / 20))
        limiting = decision.limiter
        ceiling = Float(pow(10, decision.ceilingDB / 20))
        lookahead = max(1, sampleRate * 5 / 1000)
        latency = decision.limiter ? lookahead + Self.detectorDelay : 0
        release = Float(1 / (0.2 * Double(sampleRate)))
        kernels = [0.25, 0.5, 0.75].map { f in
            (0..<Self.taps).map { k in
                let x = Double(Self.detectorDelay - 1) + f - Double(k)   // distance from tap k to the point
                let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
                let w = 0.5 + 0.5 * cos(Double.pi * x / Double(Self.taps / 2 + 1))  // Hann over ±7
                return Float(sinc * w)
            }
        }
        let size = lookahead + Self.detectorDelay + Self.taps + 2
        history = [[Float](repeating: 0, count: size), [Float](repeating: 0, count: size)]
        minValues = [Float](repeating: 1, count: lookahead + 2)
        minTimes = [Int](repeating: 0, count: lookahead + 2)
        avgRing = [Float](repeating: 1, count: lookahead + 1)
        avgSum = Double(lookahead + 1)
    }

    /// Applies the gain (and limiter) to a planar float frame of 1 or 2 channels, in place.
    public func process(_ frame: Frame) {
        let n = frame.sampleCount
        guard n > 0 else { return }
        let channels = min(2, max(1, frame.channelCount))
        let planes = (0..<channels).compactMap { frame.data($0).map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) } }
        guard planes.count == channels else { return }
        if !limiting {
            if gain == 1 { return }
            for p in planes { for i in 0..<n { p[i] *= gain } }
            return
        }
        for i in 0..<n {
            for c in 0..<channels { push(planes[c][i] * gain, channel: c) }
            if channels == 1 { push(planes[0][i] * gain, channel: 1) }
            let g = nextGain()
            for c in 0..<channels { planes[c][i] = delayed(channel: c) * g }
            writeIndex = (writeIndex + 1) % history[0].count
        }
    }

    /// The minimum of the last `lookahead + 1` values pushed (this one included).
    private func slidingMinimum(_ v: Float) -> Float {
        let capacity = minValues.count
        while minCount > 0, minValues[(minHead + minCount - 1) % capacity] >= v { minCount -= 1 }
        minValues[(minHead + minCount) % capacity] = v
        minTimes[(minHead + minCount) % capacity] = time
        minCount += 1
        while minTimes[minHead] <= time - (lookahead + 1) { minHead = (minHead + 1) % capacity; minCount -= 1 }
        time += 1
        return minValues[minHead]
    }

    private func push(_ v: Float, channel: Int) { history[channel][writeIndex] = v }

    /// The sample `back` samples before the newest, of a channel.
    @inline(__always) private func sample(_ channel: Int, back: Int) -> Float {
        let size = history[channel].count
        return history[channel][(writeIndex - back + size) % size]
    }

    private func delayed(channel: Int) -> Float { sample(channel, back: latency) }

    private func nextGain() -> Float {
        // The peak around the sample `detectorDelay` back: itself and the oversampled points after it.
        var peak: Float = 0
        for c in 0..<2 {
            peak = max(peak, abs(sample(c, back: Self.detectorDelay)))
            for kernel in kernels {
                var acc: Float = 0
                for k in 0..<Self.taps { acc += kernel[k] * sample(c, back: Self.taps - 1 - k) }
                peak = max(peak, abs(acc))
            }
        }
        let required = peak > ceiling ? ceiling / peak : 1
        released = min(required, min(1, released + release))
        let held = slidingMinimum(released)
        avgSum += Double(held) - Double(avgRing[avgIndex])
        avgRing[avgIndex] = held
        avgIndex = (avgIndex + 1) % avgRing.count
        let g = min(1, Float(avgSum / Double(avgRing.count)))
        minimumGain = min(minimumGain, g)
        return g
    }
}
