import Job
import Foundation
import Imaging
import Media
@testable import Pipeline
@testable import Runner
import Testing

@Suite(.serialized) struct JobRunnerTests {
    static let root = JobSpecTests.root
    static func loader() -> JobSpecLoader {
        JobSpecLoader(jobsDirectory: root.appendingPathComponent("jobs").path, inputRoot: root.appendingPathComponent("samples").path)
    }
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("mw-job-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func thumbnailsAvoidBlackAndMakeAContactSheet() throws {
        // The campaign clip is black for its first 0.5 s.
        let job = try Self.loader().load(data: Data(#"""
            {"version":1,"input":"campaign-16x9.mp4","thumbnails":{"times":[0.1,3.0],"count":4,"width":320,"avoid_black":true,"contact_sheet":true}}
            """#.utf8))
        let dir = try Self.tempDir()
        let out = dir.appendingPathComponent("out").path
        let result = try JobRunner.run(job, outputDirectory: out, options: CoreOptions(), platforms: .none)
        let thumbs = result.outputs.filter { $0.kind == "thumbnail" }
        #expect(thumbs.count == 6)
        for t in thumbs {
            let img = try PNG.read(path: out + "/" + t.path)
            #expect(img.width == 320 && img.height == 180)
            #expect(ThumbnailTap.judge(img).ok, "\(t.name) at \(t.time ?? -1) s is not black")
        }
        let first = try #require(thumbs.first)
        #expect((first.time ?? 0) >= 0.5, "the black target moved to a lit frame")
        #expect(thumbs.contains { abs(($0.time ?? 0) - 3.0) <= 1.0 / 30 + 1e-3 })
        let sheet = try #require(result.outputs.first { $0.kind == "contact_sheet" })
        // 6 thumbnails → 3 columns × 2 rows.
        #expect(sheet.width == 3 * 320 + 4 * 8)
        #expect(FileManager.default.fileExists(atPath: out + "/result.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out"])
    }

    @Test func renditionsShareDurationAndAudio() throws {
        let job = try Self.loader().load(data: Data(#"""
            {"version":1,"input":"campaign-16x9.mp4","watermark":{"text":"#SomosLoMismo"},"renditions":[
              {"name":"a","width":640,"height":360,"preset":"superfast"},
              {"name":"b","width":360,"height":640,"fit":"blur","preset":"superfast"},
              {"name":"c","width":320,"height":320,"preset":"superfast"}]}
            """#.utf8))
        let dir = try Self.tempDir()
        let out = dir.appendingPathComponent("out").path
        let result = try JobRunner.run(job, outputDirectory: out, options: CoreOptions(), platforms: .none)
        let videos = result.outputs.filter { $0.kind == "video" }
        #expect(videos.map(\.name) == ["a", "b", "c"])
        var audio: [[[UInt8]]] = []
        var durations: [Double] = []
        for v in videos {
            let input = try InputContainer(path: out + "/" + v.path)
            let info = input.info()
            durations.append(info.video?.duration ?? 0)
            let a = try #require(input.bestStream(.audio))
            let p = try Packet()
            var packets: [[UInt8]] = []
            while try input.read(into: p) { if p.streamIndex == Int32(a) { packets.append(p.bytes) } }
            audio.append(packets)
        }
        #expect(durations.allSatisfy { abs($0 - durations[0]) <= 1.0 / 30 + 1e-6 }, "\(durations)")
        #expect(audio.allSatisfy { $0 == audio[0] } && !audio[0].isEmpty, "identical audio packets")
    }
}
