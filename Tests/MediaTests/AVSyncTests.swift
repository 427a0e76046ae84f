import Foundation
import Media
import Job
import Pipeline
import Testing

/// A flash and a beep happen together at 1.5 s in the source, whose audio track starts late (0.5 s) and
/// ends early. In the output, audio and video start together and the beep is within 20 ms of the flash.
@Suite struct AVSyncTests {
    /// The first time (seconds) the video's mean luma goes above 128, decoded with our media layer.
    static func flashTime(_ path: String) throws -> Double {
        let input = try InputContainer(path: path)
        let v = try #require(input.bestStream(.video))
        let decoder = try Decoder(input: input, stream: v)
        let packet = try Packet(), frame = try Frame()
        var found: Double?
        func take() throws {
            while try decoder.receive(into: frame) == .frame {
                guard found == nil else { continue }
                let y = frame.data(0)!
                var sum = 0
                for row in stride(from: 0, to: frame.height, by: 4) {
                    for col in stride(from: 0, to: frame.width, by: 4) { sum += Int(y[row * frame.linesize(0) + col]) }
                }
                let mean = Double(sum) / Double((frame.height / 4) * (frame.width / 4))
                if mean > 128 { found = Double(frame.pts ?? 0) * decoder.timeBase.double }
            }
        }
        while try input.read(into: packet) {
            guard packet.streamIndex == Int32(v) else { continue }
            while try !decoder.send(packet) { try take() }
            try take()
        }
        while try !decoder.send(nil) { try take() }
        try take()
        return try #require(found)
    }

    /// The first time (seconds) the audio's amplitude goes above 0.05 (the sine source's amplitude is 1/8).
    static func beepTime(_ path: String) throws -> Double {
        let input = try InputContainer(path: path)
        let a = try #require(input.bestStream(.audio))
        let decoder = try Decoder(input: input, stream: a)
        let packet = try Packet(), frame = try Frame()
        var found: Double?
        func take() throws {
            while try decoder.receive(into: frame) == .frame {
                guard found == nil else { continue }
                // AAC decodes to float planar.
                let samples = UnsafeRawPointer(frame.data(0)!).assumingMemoryBound(to: Float.self)
                for i in 0..<frame.sampleCount where abs(samples[i]) > 0.05 {
                    found = Double(frame.pts ?? 0) * decoder.timeBase.double + Double(i) / Double(frame.sampleRate)
                    break
                }
            }
        }
        while try input.read(into: packet) {
            guard packet.streamIndex == Int32(a) else { continue }
            while try !decoder.send(packet) { try take() }
            try take()
        }
        while try !decoder.send(nil) { try take() }
        try take()
        return try #require(found)
    }

    @Test func lateStartingAudioStaysInSync() throws {
        let dir = try Support.temporaryDirectory()
        let input = dir.appendingPathComponent("sync.mp4").path
        // Video 0–4 s with a white flash from 1.5 s; audio from 0.5 s to 3.0 s with a beep at 1.5 s
        // (1.0 s into the audio track).
        try Support.ffmpeg([
            "-f", "lavfi", "-i", "color=c=black:s=320x240:r=25:d=4,drawbox=c=white:t=fill:enable='gte(t,1.5)*lt(t,1.7)'",
            "-itsoffset", "0.5", "-f", "lavfi", "-i", "sine=f=1000:r=44100:d=2.5,volume='if(between(t,1.0,1.2),0.9,0)':eval=frame",
            "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", input,
        ])
        let inProbe = try Support.ffprobe(input)
        let inAudioStart = Support.double(Support.stream(inProbe, "audio")?["start_time"]) ?? 0
        #expect(inAudioStart >= 0.45, "the source's audio starts late (\(inAudioStart) s)")

        let out = dir.appendingPathComponent("out.mp4").path
        var request = TranscodeRequest(input: input, output: out)
        request.preset = "superfast"
        _ = try Transcoder.run(request, options: CoreOptions())
        let probe = try Support.ffprobe(out)
        let v = try #require(Support.stream(probe, "video")), a = try #require(Support.stream(probe, "audio"))
        #expect(Support.double(v["start_time"]) == 0 && Support.double(a["start_time"]) == 0)
        let vDur = try #require(Support.double(v["duration"])), aDur = try #require(Support.double(a["duration"]))
        #expect(abs(vDur - 4.0) <= 0.04 + 1e-6)
        #expect(abs(aDur - vDur) <= 0.05, "audio \(aDur) s, video \(vDur) s")

        let flash = try Self.flashTime(out), beep = try Self.beepTime(out)
        #expect(abs(flash - 1.5) <= 0.021, "flash at \(flash) s")
        #expect(abs(beep - flash) <= 0.020, "beep at \(beep) s, flash at \(flash) s")
    }
}
