import Foundation
import Job
import Media
@testable import Pipeline
@testable import Runner
import Testing

@Suite(.serialized) struct LoudnessTests {
    @Test func decisionCapsGainAndLeavesSilence() {
        let target = AudioSpec(loudness: -14, truePeak: -1)
        let quiet = LoudnessDecision.decide(LoudnessFigures(integrated: -30, range: 5, truePeak: -20), target: target)
        #expect(quiet.gainDB == 16 && !quiet.limiter && quiet.note == nil)
        let peaky = LoudnessDecision.decide(LoudnessFigures(integrated: -30, range: 5, truePeak: -6), target: target)
        #expect(peaky.gainDB == 16 && peaky.limiter)
        let loud = LoudnessDecision.decide(LoudnessFigures(integrated: -6, range: 3, truePeak: 0.5), target: target)
        #expect(loud.gainDB == -8 && !loud.limiter)
        let faint = LoudnessDecision.decide(LoudnessFigures(integrated: -50, range: 2, truePeak: -40), target: target)
        #expect(faint.gainDB == LoudnessDecision.maxGainDB && faint.note?.contains("capped") == true)
        let silent = LoudnessDecision.decide(LoudnessFigures(integrated: nil, range: nil, truePeak: nil), target: target)
        #expect(silent.gainDB == 0 && !silent.limiter && silent.note?.contains("silent") == true)
        let roomTone = LoudnessDecision.decide(LoudnessFigures(integrated: -65, range: 1, truePeak: -50), target: target)
        #expect(roomTone.gainDB == 0)
        // The limiter took 3 LU: made up once, within the cap.
        let made = peaky.compensated(limited: -17, target: target)
        #expect(made.gainDB == 19 && made.limiter && made.note?.contains("3.0 LU") == true)
        #expect(peaky.compensated(limited: -14.1, target: target) == peaky)
        #expect(LoudnessDecision.decide(LoudnessFigures(integrated: -32, range: 5, truePeak: -6), target: target)
            .compensated(limited: -20, target: target).gainDB == LoudnessDecision.maxGainDB)
    }

    /// The limiter on a tone with bursts about 10 dB over the ceiling after the gain: every sample (and the meter's true peak) under
    /// the ceiling, the tone between the bursts untouched (gain exactly linear away from them), latency as said.
    @Test func limiterHoldsTheCeilingAndLeavesTheRestAlone() throws {
        let decision = LoudnessDecision(gainDB: 12, limiter: true, ceilingDB: -2, note: nil)
        let processor = LoudnessProcessor(decision: decision)
        let meter = try LoudnessMeter()
        let rate = 48_000.0
        var input: [Float] = []
        for n in 0..<(48_000 * 2) {
            let t = Double(n) / rate
            var v = 0.05 * sin(2 * .pi * 997 * t)
            if t.truncatingRemainder(dividingBy: 0.5) < 0.004 { v += 0.6 * sin(2 * .pi * 3_000 * t) }   // bursts
            input.append(Float(v))
        }
        var output: [Float] = []
        var offset = 0
        while offset < input.count {
            let n = min(1024, input.count - offset)
            let frame = try Self.stereo(Array(input[offset..<offset + n]))
            processor.process(frame)
            try meter.add(planar: frame)
            output += Self.left(frame)
            offset += n
        }
        let ceiling = Float(pow(10, -2.0 / 20))
        #expect(output.map(abs).max()! <= ceiling * 1.0005)
        let tp = try #require(meter.figures.truePeak)
        #expect(tp <= -2 + 0.3, "true peak \(tp) dBTP")
        #expect(processor.minimumGain < 0.5, "the bursts were limited")
        // From 300 ms after a burst the gain is back to exactly the linear gain (the release takes 200 ms at most).
        let gain = Float(pow(10, 12.0 / 20)), latency = processor.latency
        for n in stride(from: 24_000 + 14_400, to: 24_000 + 21_600, by: 97) {
            #expect(abs(output[n] - input[n - latency] * gain) < 1e-3, "sample \(n)")
        }
    }

    static func stereo(_ samples: [Float]) throws -> Frame {
        let r = try Resampler(outputRate: 48_000)
        try r.pushSilence(samples.count)
        let f = try #require(try r.pop(samples.count))
        for c in 0..<2 {
            let p = UnsafeMutableRawPointer(f.data(c)!).assumingMemoryBound(to: Float.self)
            for i in samples.indices { p[i] = samples[i] }
        }
        return f
    }

    static func left(_ f: Frame) -> [Float] {
        let p = UnsafeMutableRawPointer(f.data(0)!).assumingMemoryBound(to: Float.self)
        return (0..<f.sampleCount).map { p[$0] }
    }

    /// The encoded files of a quiet and a loud input, measured by the ffmpeg CLI's ebur128 filter (BS.1770):
    /// within ±1 LU of −14 LUFS, true peak at most −1 + 0.2 dBTP; result.json's figures agree with the CLI's.
    @Test(arguments: ["quiet", "loud"]) func encodedAudioMeetsTheTarget(_ kind: String) throws {
        let dir = try FFmpegCLI.tempDir("loud")
        // quiet: a −30 LUFS-ish tone with clicks 20 dB over it (the gain needs the limiter);
        // loud: a hot tone and noise at about −5 LUFS with peaks at full scale (a gain down, no limiter).
        let audio = kind == "quiet"
            ? "aevalsrc=0.04*sin(2*PI*330*t)+0.4*sin(2*PI*2500*t)*lt(mod(t\\,0.5)\\,0.003):s=48000:d=4"
            : "aevalsrc=0.7*sin(2*PI*220*t)+0.29*(random(0)*2-1):s=44100:d=4"
        let input = dir.appendingPathComponent("in.mp4").path
        try FFmpegCLI.run(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=15:d=4", "-f", "lavfi", "-i", audio,
                           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "192k", "-shortest", input])
        let loader = JobSpecLoader(jobsDirectory: dir.path, inputRoot: dir.path)
        let job = try loader.load(data: Data(#"""
            {"version":1,"input":"in.mp4","audio":{"loudness":-14,"true_peak":-1},
             "renditions":[{"name":"v","width":160,"height":90,"preset":"ultrafast"}]}
            """#.utf8))
        let out = dir.appendingPathComponent("out").path
        let result = try JobRunner.run(job, outputDirectory: out, options: CoreOptions(threads: 2), platforms: .none)
        let report = try #require(result.audio)
        #expect(report.limiter == (kind == "quiet"), "\(report)")
        let cli = try FFmpegCLI.ebur128(out + "/v.mp4")
        #expect(abs(cli.integrated - -14) <= 1, "\(kind): \(cli.integrated) LUFS (before \(report.before))")
        #expect(cli.truePeak <= -1 + 0.2, "\(kind): true peak \(cli.truePeak) dBTP")
        let after = try #require(result.outputs.first?.loudness)
        #expect(abs((after.integrated ?? 0) - cli.integrated) <= 0.3, "libebur128 \(after) vs the CLI \(cli)")
        #expect(report.after == after)
        try? FileManager.default.removeItem(at: dir)
    }
}
