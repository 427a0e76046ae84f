import Job
import Foundation
@testable import Pipeline
@testable import Runner
import Testing

@Suite struct JobSpecTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var loader: JobSpecLoader { JobSpecLoader(jobsDirectory: Self.root.appendingPathComponent("jobs").path,
                                              inputRoot: Self.root.appendingPathComponent("samples").path) }

    func load(_ json: String) throws -> ResolvedJob { try loader.load(data: Data(json.utf8)) }

    func fieldOf(_ json: String) -> String? {
        do { _ = try load(json); return nil } catch let e as JobSpecError { return e.field } catch { return "other: \(error)" }
    }

    @Test func templateAppliesAndTopLevelFieldsReplaceIt() throws {
        let job = try load(#"{"version":1,"template":"social","input":"campaign-16x9.mp4"}"#)
        #expect(job.spec.renditions.map(\.name) == ["story", "feed-4x5", "feed-1x1", "landscape", "safe-720p"])
        #expect(job.spec.watermark?.text == "#SomosLoMismo")
        #expect(job.watermarkFontPath == JobSpecLoader.defaultFont)
        let noMark = try load(#"{"version":1,"template":"social","input":"campaign-16x9.mp4","watermark":null}"#)
        #expect(noMark.spec.watermark == nil)
        let web = try load(#"{"version":1,"template":"web","input":"campaign-16x9.mp4"}"#)
        #expect(web.watermarkImagePath?.hasSuffix("jobs/assets/somoslomismo.png") == true)
    }

    @Test(arguments: [
        (#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","width":640,"height":360,"crf":60}]}"#, "renditions[0].crf"),
        // Lossless: x264 refuses it in the High profile our outputs use, so the spec is refused before any work.
        (#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","width":640,"height":360,"crf":0}]}"#, "renditions[0].crf"),
        (#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","width":641,"height":360}]}"#, "renditions[0].width"),
        (#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","width":640,"height":360,"colour":"x"}]}"#, "renditions[0].colour"),
        (#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","width":640,"height":360,"fit":"stretch"}]}"#, "renditions[0].fit"),
        (#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","height":360}]}"#, "renditions[0].width"),
        (#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"../x","width":640,"height":360}]}"#, "renditions[0].name"),
        (#"{"version":1,"input":"../Package.swift","thumbnails":{"count":2}}"#, "input"),
        (#"{"version":1,"input":"/etc/passwd","thumbnails":{"count":2}}"#, "input"),
        (#"{"version":2,"input":"campaign-16x9.mp4","thumbnails":{"count":2}}"#, "version"),
        (#"{"version":1,"input":"campaign-16x9.mp4","thumbnails":{"count":2},"extra":1}"#, "extra"),
        (#"{"version":1,"input":"campaign-16x9.mp4","thumbnails":{"count":2},"watermark":{"text":"x","opacity":2}}"#, "watermark.opacity"),
        (#"{"version":1,"input":"campaign-16x9.mp4","thumbnails":{"count":2},"watermark":{"image":"../jobs/assets/somoslomismo.png"}}"#, "watermark.image"),
        (#"{"version":1,"template":"nope","input":"campaign-16x9.mp4"}"#, "template"),
        (#"{"version":1,"input":"campaign-16x9.mp4","thumbnails":{"times":[-1]}}"#, "thumbnails.times[0]"),
    ])
    func invalidSpecsNameTheField(json: String, field: String) {
        #expect(fieldOf(json) == field)
    }

    @Test func invalidSpecWritesNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mw-spec-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect(throws: JobSpecError.self) {
            let job = try load(#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","width":640,"height":360,"preset":"warp"}]}"#)
            _ = try JobRunner.run(job, outputDirectory: dir.appendingPathComponent("out").path, options: CoreOptions(), platforms: .none)
        }
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)).isEmpty)
    }
}
