import Job
import Foundation
import Imaging
import Media
@testable import Pipeline
import Testing

/// The per-frame work before encoding: fit modes put the picture where it belongs; the watermark changes
/// only its rectangle.
@Suite struct FrameProcessorTests {
    /// 640×360 source: left half red, right half blue (BT.709 limited YUV).
    static func source() throws -> Frame {
        let f = try Frame.video(width: 640, height: 360, format: .yuv420p)
        let p = f.yuv420
        for y in 0..<360 { for x in 0..<640 { p.y[x, y] = x < 320 ? 63 : 32 } }
        for y in 0..<180 { for x in 0..<320 { p.u[x, y] = x < 160 ? 102 : 240; p.v[x, y] = x < 160 ? 240 : 118 } }
        return f
    }

    static func info() -> StreamInfo {
        var s = StreamInfo(index: 0, type: .video, codec: "h264", timeBase: Rational(1, 30), isAttachedPicture: false)
        s.width = 640; s.height = 360; s.sampleAspectRatio = Rational(1, 1); s.rotation = 0; s.colorSpace = "bt709"
        return s
    }

    static func run(_ fit: Fit, _ w: Int, _ h: Int, stamp: (any FrameStamp)? = nil) throws -> Frame {
        let plan = RenditionPlan(name: "t", width: w, height: h, fit: fit, outputPath: "/dev/null", watermark: stamp)
        let r = try RenditionRuntime(index: 0, plan: plan, source: info(), frameRate: Rational(30, 1))
        return try FrameProcessor().process(try source(), r)
    }

    static func isRed(_ f: Frame, _ x: Int, _ y: Int) -> Bool { f.yuv420.v[x / 2, y / 2] > 200 }
    static func isBlue(_ f: Frame, _ x: Int, _ y: Int) -> Bool { f.yuv420.u[x / 2, y / 2] > 200 }
    static func isBlack(_ f: Frame, _ x: Int, _ y: Int) -> Bool {
        let p = f.yuv420
        return p.y[x, y] <= 18 && abs(Int(p.u[x / 2, y / 2]) - 128) < 4 && abs(Int(p.v[x / 2, y / 2]) - 128) < 4
    }

    @Test func coverCropsTheCentre() throws {
        let f = try Self.run(.cover, 360, 360)
        #expect(f.width == 360 && f.height == 360)
        #expect(Self.isRed(f, 20, 180) && Self.isBlue(f, 340, 180))
        #expect(!Self.isBlack(f, 180, 4))
    }

    @Test func containPadsWithBlack() throws {
        let f = try Self.run(.contain, 360, 640)
        #expect(f.width == 360 && f.height == 640)
        // The picture is 360×202 centred vertically: black above and below.
        #expect(Self.isBlack(f, 180, 20) && Self.isBlack(f, 180, 620))
        #expect(Self.isRed(f, 20, 320) && Self.isBlue(f, 340, 320))
    }

    @Test func blurPadsWithADarkenedCopy() throws {
        let f = try Self.run(.blur, 360, 640)
        #expect(f.width == 360 && f.height == 640)
        #expect(!Self.isBlack(f, 180, 20), "the padding is not plain black")
        let y = f.yuv420.y[20, 20]
        #expect(y < 63, "the padding is darker than the picture (\(y))")
        #expect(Self.isRed(f, 20, 320) && Self.isBlue(f, 340, 320))
    }

    @Test func scaleKeepsAspectAndTakesThePictureSize() throws {
        let f = try Self.run(.scale, 400, 400)
        #expect(f.width == 400 && abs(f.height - 225) == 1 && f.height % 2 == 0)
    }

    @Test func watermarkChangesOnlyItsRectangleAndStaysInTheSafeArea() throws {
        let plan = try WatermarkPlan(spec: WatermarkSpec(text: "#SomosLoMismo", anchor: .bottomRight), fontPath: nil, imagePath: nil)
        let safe = SafeArea(top: 0.14, bottom: 0.22, left: 0.06, right: 0.06)
        let mark = try plan.build(width: 1080, height: 1920, safeArea: safe, bt709: true)
        let r = mark.rect
        #expect(r.x >= Int(1080 * 0.06) && r.x + r.width <= Int(1080 * 0.94))
        #expect(r.y >= Int(1920 * 0.14) && r.y + r.height <= Int(1920 * 0.78))
        let plain = try Self.run(.blur, 1080, 1920)
        let stamped = try Self.run(.blur, 1080, 1920, stamp: mark)
        let a = plain.yuv420, b = stamped.yuv420
        var inside = 0, outside = 0
        for y in 0..<1920 { for x in 0..<1080 where a.y[x, y] != b.y[x, y] {
            if x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height { inside += 1 } else { outside += 1 }
        } }
        #expect(outside == 0, "\(outside) pixels changed outside the mark")
        #expect(inside > r.width * r.height / 20, "the mark is visible (\(inside) pixels changed)")
    }

    @Test(arguments: ["#SomosLoMismo", "#SomosLoMismo ñá"])
    func textRendersInsideItsBox(text: String) throws {
        let img = try MarkRenderer.text(text, fontPath: JobSpecLoader.defaultFont, pixelSize: 48,
                                        color: .white, style: .outline)
        var opaque = 0
        for y in 0..<img.height { for x in 0..<img.width where img[x: x, y: y].a > 128 { opaque += 1 } }
        #expect(opaque > img.width * img.height / 10)
        // The border rows and columns are clear: the text lies inside its box.
        for x in 0..<img.width { #expect(img[x: x, y: 0].a < 64 && img[x: x, y: img.height - 1].a < 64) }
    }
}
