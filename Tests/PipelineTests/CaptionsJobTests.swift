import Foundation
import Imaging
import Job
import Media
@testable import Pipeline
@testable import Runner
import Testing

/// Burned-in captions through the whole job: the same job run with and without captions; the pixels that
/// differ lie inside the rendition's safe area (the caption box) and only on the cues' frames (±1).
@Suite(.serialized) struct CaptionsJobTests {
    @Test func captionsShowOnlyInTheirWindowAndBox() throws {
        let dir = try FFmpegCLI.tempDir("capjob")
        let input = dir.appendingPathComponent("in.mp4").path
        // A flat, slowly changing picture: x264 then changes almost nothing the captions did not.
        try FFmpegCLI.run(["-f", "lavfi", "-i", "color=c=0x406080:size=320x180:rate=25:d=2,format=yuv420p",
                           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:d=2",
                           "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-c:a", "aac", "-shortest", input])
        try Data("1\n00:00:00,400 --> 00:00:01,000\nMi nombre es Ana y llegué a esta ciudad hace diez años, con mi hija\n\n".utf8)
            .write(to: dir.appendingPathComponent("in.es.srt"))
        let loader = JobSpecLoader(jobsDirectory: dir.path, inputRoot: dir.path)
        let renditions = #"""
            "renditions":[{"name":"story","width":360,"height":640,"fit":"blur","crf":8,"preset":"ultrafast",
                           "safe_area":{"top":0.14,"bottom":0.22,"left":0.06,"right":0.06}},
                          {"name":"wide","width":320,"height":180,"crf":8,"preset":"ultrafast"}],
            "watermark":{"text":"#SomosLoMismo","anchor":"bottom-right"}
            """#
        let plain = try loader.load(data: Data("{\"version\":1,\"input\":\"in.mp4\",\(renditions)}".utf8))
        let captioned = try loader.load(data: Data("""
            {"version":1,"input":"in.mp4",\(renditions),"captions":{"file":"in.es.srt","language":"es"}}
            """.utf8))
        let a = dir.appendingPathComponent("plain").path, b = dir.appendingPathComponent("captioned").path
        _ = try JobRunner.run(plain, outputDirectory: a, options: CoreOptions(threads: 2), platforms: .none)
        let result = try JobRunner.run(captioned, outputDirectory: b, options: CoreOptions(threads: 2), platforms: .none)
        let report = try #require(result.captions)
        #expect(report.cues == 1 && report.language == "es" && report.sidecar == "captions.es.vtt")
        let vtt = try String(contentsOfFile: b + "/captions.es.vtt", encoding: .utf8)
        #expect(vtt.hasPrefix("WEBVTT") && vtt.contains("00:00:00.400 --> 00:00:01.000"))
        #expect(result.outputs.contains { $0.kind == "captions" && $0.language == "es" })

        for (name, w, h, safe) in [("story", 360, 640, SafeArea(top: 0.14, bottom: 0.22, left: 0.06, right: 0.06)),
                                   ("wide", 320, 180, SafeArea())] {
            let top = Int(Double(h) * safe.top), bottom = h - Int(Double(h) * safe.bottom)
            let left = Int(Double(w) * safe.left), right = w - Int(Double(w) * safe.right)
            let x = try DecodedFrames(path: a + "/\(name).mp4"), y = try DecodedFrames(path: b + "/\(name).mp4")
            var shown: [Int] = []
            var n = 0
            while let f1 = try x.next(), let f2 = try y.next() {
                let p = f1.yuv420, q = f2.yuv420
                var changed = 0, outside = 0
                for row in 0..<h {
                    let r1 = p.y.row(row), r2 = q.y.row(row)
                    for col in 0..<w where abs(Int(r1[col]) - Int(r2[col])) > 24 {
                        changed += 1
                        if row < top || row >= bottom || col < left || col >= right { outside += 1 }
                    }
                }
                #expect(outside == 0, "\(name) frame \(n): \(outside) changed pixels outside the safe area")
                if changed > 50 { shown.append(n) }
                n += 1
            }
            // 25 fps: the cue is frames 10 (0.4 s) to 24 (before 1.0 s).
            #expect(shown.first.map { abs($0 - 10) <= 1 } == true, "\(name): first captioned frame \(shown.first ?? -1)")
            #expect(shown.last.map { abs($0 - 24) <= 1 } == true, "\(name): last captioned frame \(shown.last ?? -1)")
            #expect(shown.count >= 13 && shown.count <= 17, "\(name): \(shown)")
        }
        try? FileManager.default.removeItem(at: dir)
    }
}

/// Luma planes of a file's frames in order.
final class DecodedFrames {
    let input: InputContainer
    let decoder: Decoder
    let stream: Int
    let packet: Packet
    var ended = false
    init(path: String) throws {
        input = try InputContainer(path: path)
        stream = try input.requireVideoStream()
        decoder = try Decoder(input: input, stream: stream, threads: 1)
        packet = try Packet()
    }
    func next() throws -> Frame? {
        let frame = try Frame()
        while true {
            switch try decoder.receive(into: frame) {
            case .frame: return frame
            case .endOfStream: return nil
            case .needsInput:
                if ended { return nil }
                var found = false
                while try input.read(into: packet) {
                    if packet.streamIndex == Int32(stream) { found = true; break }
                }
                _ = try decoder.send(found ? packet : nil)
                ended = !found
            }
        }
    }
}
