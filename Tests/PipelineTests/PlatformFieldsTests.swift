import Job
import Foundation
import Media
@testable import Pipeline
import Testing

/// A rendition's `fps_min` and `platform_check`: decoding, validation, and the frame rate `fps_min` chooses.
@Suite struct PlatformFieldsTests {
    let specs = JobSpecTests()

    static func spec(_ rendition: String) -> String {
        #"{"version":1,"input":"campaign-16x9.mp4","renditions":[{"name":"a","width":640,"height":360,"#
            + rendition + "}]}"
    }

    @Test func fieldsDecodeWithTheirDefaults() throws {
        let plain = try specs.load(Self.spec(#""platform":"x""#)).spec.renditions[0]
        #expect(plain.fpsMin == nil && plain.platformCheck == .report)
        let strict = try specs.load(Self.spec(#""platform":"x","fps_min":23,"platform_check":"fail""#)).spec.renditions[0]
        #expect(strict.fpsMin == 23 && strict.platformCheck == .fail)
    }

    @Test(arguments: [
        (#""fps_min":0"#, "renditions[0].fps_min"),
        (#""fps_min":500"#, "renditions[0].fps_min"),
        (#""fps_min":30,"fps_max":24"#, "renditions[0].fps_min"),
        (#""fps_min":"fast""#, "renditions[0].fps_min"),
        (#""platform":"x","platform_check":"warn""#, "renditions[0].platform_check"),
        (#""platform_check":"fail""#, "renditions[0].platform_check"),
        (#""platform_checks":"fail""#, "renditions[0].platform_checks"),
    ])
    func invalidValuesNameTheField(_ rendition: String, _ field: String) {
        #expect(specs.fieldOf(Self.spec(rendition)) == field, "\(rendition)")
    }

    @Test func invalidMessagesSayWhy() {
        do {
            _ = try specs.load(Self.spec(#""fps_min":30,"fps_max":24"#))
            Issue.record("accepted fps_min above fps_max")
        } catch {
            #expect("\(error)" == "renditions[0].fps_min: 30.0 is above fps_max (24.0)")
        }
        do {
            _ = try specs.load(Self.spec(#""platform":"x","platform_check":"warn""#))
            Issue.record("accepted platform_check 'warn'")
        } catch {
            #expect("\(error)" == "renditions[0].platform_check: must be one of: report, fail")
        }
    }

    /// The social template lifts the Instagram renditions to the platforms' 23 fps minimum; the others keep
    /// the source's rate.
    @Test func socialTemplateSetsFpsMinWhereThePlatformNeedsIt() throws {
        let job = try specs.load(#"{"version":1,"template":"social","input":"campaign-16x9.mp4"}"#)
        let byName = Dictionary(uniqueKeysWithValues: job.spec.renditions.map { ($0.name, $0) })
        #expect(byName["story"]?.fpsMin == 23 && byName["feed-4x5"]?.fpsMin == 23 && byName["feed-1x1"]?.fpsMin == 23)
        #expect(byName["landscape"]?.fpsMin == nil && byName["safe-720p"]?.fpsMin == nil)
        #expect(job.spec.renditions.allSatisfy { $0.platformCheck == .report })
    }

    /// Below the floor, the smallest whole multiple of the source rate that reaches it: every frame shown the
    /// same number of times. When that multiple passes the cap, the floor itself.
    struct RateCase: Sendable, CustomTestStringConvertible {
        var source: (Int32, Int32), floor: Double, cap: Double, expected: (Int32, Int32)
        init(_ source: (Int32, Int32), _ floor: Double, _ cap: Double, _ expected: (Int32, Int32)) {
            self.source = source; self.floor = floor; self.cap = cap; self.expected = expected
        }
        var testDescription: String { "\(source.0)/\(source.1) fps, floor \(floor), cap \(cap)" }
    }

    @Test(arguments: [
        RateCase((15, 1), 23, 60, (30, 1)),
        RateCase((10, 1), 23, 60, (30, 1)),
        RateCase((12, 1), 23, 60, (24, 1)),
        RateCase((8, 1), 23, 60, (24, 1)),
        RateCase((15000, 1001), 23, 60, (30000, 1001)),
        RateCase((24000, 1001), 23, 60, (24000, 1001)),
        RateCase((25, 1), 23, 60, (25, 1)),
        RateCase((120, 1), 23, 60, (60, 1)),
        RateCase((15, 1), 23, 25, (23, 1)),
        RateCase((1, 1), 23, 60, (23, 1)),
    ])
    func fpsMinRepeatsFramesEvenly(_ c: RateCase) {
        let rate = outputFrameRate(source: (c.source.0, c.source.1), cap: c.cap, floor: c.floor)
        #expect(rate.num == c.expected.0 && rate.den == c.expected.1, "\(c.testDescription) → \(rate)")
    }

    @Test func noFloorKeepsTheSourceRate() {
        let rate = outputFrameRate(source: (15, 1), cap: 60)
        #expect(rate.num == 15 && rate.den == 1)
        let plan = RenditionPlan(name: "a", width: 64, height: 36, fpsMax: 60, outputPath: "/dev/null", fpsMin: 23)
        #expect(plan.frameRate(source: nil).double == 30)  // an unknown rate is 30
        #expect(plan.frameRate(source: .init(15, 1)) == .init(30, 1))
    }
}
