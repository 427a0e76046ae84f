import Job
import Foundation
@testable import Pipeline
import Testing

/// The rendition's `deinterlace` field, and the constant-rate mapper's part in field-rate deinterlacing and
/// at the end of the stream.
@Suite struct DeinterlaceSpecTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var loader: JobSpecLoader { JobSpecLoader(jobsDirectory: Self.root.appendingPathComponent("jobs").path,
                                              inputRoot: Self.root.appendingPathComponent("samples").path) }

    func spec(_ rendition: String) throws -> ResolvedJob {
        try loader.load(data: Data(#"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","width":640,"height":360\#(rendition)}]}"#.utf8))
    }

    @Test func deinterlaceFieldDecodesStrictly() throws {
        #expect(try spec("").spec.renditions[0].deinterlace == nil)
        #expect(try spec(#","deinterlace":"frame""#).spec.renditions[0].deinterlace == .frame)
        #expect(try spec(#","deinterlace":"field""#).spec.renditions[0].deinterlace == .field)
        for bad in [#","deinterlace":"fields""#, #","deinterlace":true"#, #","deinterlace":null,"deinterlaced":"field""#] {
            do {
                _ = try spec(bad)
                Issue.record("\(bad) was accepted")
            } catch let e as JobSpecError {
                #expect(e.field == "renditions[0].deinterlace" || e.field == "renditions[0].deinterlaced", "\(bad): \(e)")
                if bad.contains("fields") { #expect("\(e)".contains("frame, field"), "\(e)") }
            }
        }
    }

    /// Frames at twice the output rate (field-rate deinterlacing): the frame-rate output takes the first
    /// field of every frame (the even frames), never the second, and ends where the stream does.
    @Test func mapperTakesEveryOtherFrameOfAFieldRateStream() {
        var m = FrameRateMapper(fps: 25, preferEarlier: true)
        var taken: [Int] = []
        for n in 0..<100 {
            let (repeats, take) = m.place(time: Double(n) / 50, duration: 1.0 / 50)
            #expect(repeats == 0)
            if take { taken.append(n) }
        }
        #expect(taken == Array(stride(from: 0, to: 100, by: 2)))
        #expect(m.finish(streamEnd: 2.0) == 0)
        #expect(m.slotCount == 50)
    }

    /// The last frame of a VFR clip lasts until the stream's end, whatever duration the decoder gave it.
    @Test func lastFrameLastsUntilTheStreamEnds() {
        var m = FrameRateMapper(fps: 30)
        for t in [0.0, 1.0 / 30, 2.0 / 30, 0.2, 2.9333] { _ = m.place(time: t, duration: 1.0 / 30) }
        var byDuration = m
        #expect(byDuration.finish() == 0)  // by its own duration the last frame ends at 2.967 s: 89 slots
        #expect(byDuration.slotCount == 89)
        #expect(m.finish(streamEnd: 3.021) > 0)
        #expect(m.slotCount == 91)  // 3.021 s × 30 = 90.6 → 91 slots, within one frame of the source
        var early = FrameRateMapper(fps: 30)
        _ = early.place(time: 0, duration: 1.0 / 30)
        _ = early.place(time: 1, duration: 1.0 / 30)
        #expect(early.finish(streamEnd: 0.5) == 0)  // an end before the last frame ends never shortens it
        #expect(early.slotCount == 31)
        var far = FrameRateMapper(fps: 30)
        _ = far.place(time: 0, duration: 1.0 / 30)
        #expect(far.finish(streamEnd: 60) == 0)  // nor does an end implausibly far after it lengthen it
        #expect(far.slotCount == 1)
    }
}
