import Job
import CFFmpeg
import Foundation
import Imaging
import Media
@testable import Pipeline
@testable import Runner
import Testing

/// HDR (HLG, PQ) sources through the frame core, the thumbnail engines and the converter, against the SDR
/// picture they were made from and against ffmpeg's zscale + tonemap. Margins (measured values in the README):
/// - saturation ratio (HDR output / SDR output) within 0.8 … 1.2 (before: 0.34 HLG, 0.22 PQ; now about 0.9);
/// - mean luma within 0.85 … 1.1 of the SDR output (the tone curve compresses only highlights above 50 nits);
/// - colour bars: mean ΔE76 ≤ 6 and max ≤ 12 against the SDR output, and mean ΔE76 ≤ 4 against ffmpeg
///   (measured about 2–3 mean, 5 max).
@Suite(.serialized) struct HDRConversionTests {
    enum Source: String, CaseIterable, Sendable { case hlg, pq
        var path: String { self == .hlg ? HDRFixtures.hlg : HDRFixtures.pq }
    }

    static func job(_ input: String, renditions: Bool) throws -> ResolvedJob {
        let loader = JobSpecLoader(jobsDirectory: JobSpecTests.root.appendingPathComponent("jobs").path,
                                   inputRoot: HDRFixtures.dir.path)
        let r = renditions ? #","renditions":[{"name":"small","width":320,"height":180,"preset":"superfast","crf":12}]"# : ""
        return try loader.load(data: Data(#"""
            {"version":1,"input":"\#(URL(fileURLWithPath: input).lastPathComponent)","thumbnails":{"times":[0.5],"width":320,"contact_sheet":false}\#(r)}
            """#.utf8))
    }

    static func ffprobeColour(_ path: String) throws -> String {
        let out = try HDRFixtures.run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                                  "stream=color_space,color_primaries,color_transfer,pix_fmt", "-of", "csv=p=0", path])
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: Source.allCases)
    func renditionAndThumbnailAreBT709AndMatchTheSDRPicture(_ source: Source) throws {
        let out = HDRFixtures.dir.appendingPathComponent("out-\(source)-\(UUID().uuidString.prefix(4))").path
        let result = try JobRunner.run(try Self.job(source.path, renditions: true), outputDirectory: out, options: CoreOptions(), platforms: .none)
        let sdrOut = HDRFixtures.dir.appendingPathComponent("out-sdr-\(UUID().uuidString.prefix(4))").path
        let sdrResult = try JobRunner.run(try Self.job(HDRFixtures.sdr, renditions: true), outputDirectory: sdrOut, options: CoreOptions(), platforms: .none)

        let video = try #require(result.outputs.first { $0.kind == "video" })
        #expect(try Self.ffprobeColour(out + "/" + video.path) == "yuv420p,bt709,bt709,bt709")

        let sdrVideo = try #require(sdrResult.outputs.first { $0.kind == "video" })
        let got = try HDRFixtures.rgba(out + "/" + video.path, frame: 15)
        let want = try HDRFixtures.rgba(sdrOut + "/" + sdrVideo.path, frame: 15)
        let g = HDRFixtures.saturationAndLuma(got), w = HDRFixtures.saturationAndLuma(want)
        let satRatio = g.saturation / w.saturation, lumaRatio = g.luma / w.luma
        let bars = HDRFixtures.barErrors(got, want)
        let meanBar = bars.reduce(0, +) / Double(bars.count)
        let ffmpeg = try HDRFixtures.ffmpegToneMapped(source.path, frame: 15)
        let vsFFmpeg = HDRFixtures.barErrors(got, ffmpeg)
        let meanFF = vsFFmpeg.reduce(0, +) / Double(vsFFmpeg.count)
        let f = HDRFixtures.saturationAndLuma(ffmpeg)
        print(String(format: "HDR %@ rendition: saturation ratio %.3f, luma ratio %.3f (%.1f vs %.1f), bars ΔE mean %.2f max %.2f; vs ffmpeg zscale+tonemap: ΔE mean %.2f max %.2f, ffmpeg saturation ratio %.3f luma ratio %.3f",
                     source.rawValue, satRatio, lumaRatio, g.luma, w.luma, meanBar, bars.max()!, meanFF, vsFFmpeg.max()!,
                     f.saturation / w.saturation, f.luma / w.luma))
        #expect((0.8...1.2).contains(satRatio))
        #expect((0.85...1.1).contains(lumaRatio))
        #expect(meanBar <= 6 && bars.max()! <= 12, "bars ΔE \(bars)")
        #expect(meanFF <= 4, "ΔE against ffmpeg \(vsFFmpeg)")

        // The thumbnail tap sees the converted frames too.
        let thumb = try PNG.read(path: out + "/" + (try #require(result.outputs.first { $0.kind == "thumbnail" })).path)
        let sdrThumb = try PNG.read(path: sdrOut + "/" + (try #require(sdrResult.outputs.first { $0.kind == "thumbnail" })).path)
        let t = HDRFixtures.saturationAndLuma(thumb), ts = HDRFixtures.saturationAndLuma(sdrThumb)
        print(String(format: "HDR %@ thumbnail (frame core): saturation ratio %.3f, luma ratio %.3f", source.rawValue,
                     t.saturation / ts.saturation, t.luma / ts.luma))
        #expect((0.8...1.2).contains(t.saturation / ts.saturation))
        #expect((0.85...1.1).contains(t.luma / ts.luma))
    }

    @Test(arguments: Source.allCases)
    func thumbnailOnlyPassAndSingleThumbnailConvert(_ source: Source) throws {
        let sdr = try ThumbnailExtractor.single(input: HDRFixtures.sdr, output: HDRFixtures.dir.appendingPathComponent("sdr-\(source).png").path,
                                                at: 0.5, width: 320)
        _ = sdr
        let sdrImage = try PNG.read(path: HDRFixtures.dir.appendingPathComponent("sdr-\(source).png").path)
        let s = HDRFixtures.saturationAndLuma(sdrImage)

        let single = HDRFixtures.dir.appendingPathComponent("single-\(source).png").path
        _ = try ThumbnailExtractor.single(input: source.path, output: single, at: 0.5, width: 320)
        let a = HDRFixtures.saturationAndLuma(try PNG.read(path: single))

        let out = HDRFixtures.dir.appendingPathComponent("thumbs-\(source)-\(UUID().uuidString.prefix(4))").path
        let result = try JobRunner.run(try Self.job(source.path, renditions: false), outputDirectory: out, options: CoreOptions(), platforms: .none)
        let thumb = try #require(result.outputs.first { $0.kind == "thumbnail" })
        let b = HDRFixtures.saturationAndLuma(try PNG.read(path: out + "/" + thumb.path))
        print(String(format: "HDR %@ thumbnail command: saturation ratio %.3f luma ratio %.3f; thumbnails-only pass: %.3f / %.3f",
                     source.rawValue, a.saturation / s.saturation, a.luma / s.luma, b.saturation / s.saturation, b.luma / s.luma))
        for m in [a, b] {
            #expect((0.8...1.2).contains(m.saturation / s.saturation))
            #expect((0.85...1.1).contains(m.luma / s.luma))
        }
    }

    /// A 10-bit HLG ramp through the converter: the 8-bit output rises steadily, column by column (rows
    /// averaged: the 4×4 ordered dither averages to zero over each column's four rows), with no flat bands
    /// and no jumps.
    @Test func gradientHasNoBanding() throws {
        let frame = try HDRFixtures.firstFrame(HDRFixtures.hlgRamp)
        #expect(frame.hdrTransfer == .hlg)
        let out = try HDRConverter().convert(frame)
        #expect(out.pixelFormat == .yuv420p)
        let w = out.width, h = out.height
        let y = out.data(0)!, stride = out.linesize(0)
        var means = [Double](repeating: 0, count: w)
        for x in 0..<w {
            var s = 0
            for r in 0..<h { s += Int(y[r * stride + x]) }
            means[x] = Double(s) / Double(h)
        }
        var maxStep = 0.0, longestFlat = 0, flat = 0
        for x in 1..<w {
            let d = means[x] - means[x - 1]
            maxStep = max(maxStep, d)
            flat = abs(d) < 1e-9 ? flat + 1 : 0
            longestFlat = max(longestFlat, flat)
        }
        // An 8-column moving average takes out the ordered dither's quarter-code steps: it must rise steadily.
        let k = 8
        let smooth = (0...(w - k)).map { x in means[x..<(x + k)].reduce(0, +) / Double(k) }
        var maxDrop = 0.0, maxRise = 0.0
        for x in 1..<smooth.count {
            maxDrop = max(maxDrop, smooth[x - 1] - smooth[x])
            maxRise = max(maxRise, smooth[x] - smooth[x - 1])
        }
        print(String(format: "HDR gradient: output %.1f … %.1f, max column step %.3f, longest flat run %d columns; 8-column average: max rise %.3f, max drop %.3f",
                     means[0], means[w - 1], maxStep, longestFlat, maxRise, maxDrop))
        #expect(means[0] < 20 && means[w - 1] > 225)
        #expect(maxStep <= 1.5)
        // Where the tone curve compresses highlights the output rises < 0.1 code per column: a few equal means.
        #expect(longestFlat <= 8)
        #expect(maxDrop <= 0.1)
        #expect(maxRise <= 1.0)
    }

    /// SDR frames are not converted (renditions see exactly the bytes they saw before HDR support); the output
    /// colour is decided as before.
    @Test func sdrSourcesAreNotTouched() throws {
        // The source stage converts only frames `isHDR` picks; every other frame goes on as decoded.
        #expect(!HDRConverter.isHDR(try HDRFixtures.firstFrame(HDRFixtures.sdr)))
        let input = try InputContainer(path: HDRFixtures.sdr)
        let info = input.streamInfo(try input.requireVideoStream())
        #expect(info.hdrTransfer == nil)
        let c = OutputColor.from(stream: info)
        #expect(c.space == AVCOL_SPC_BT709 && c.transfer == AVCOL_TRC_BT709)
        var small = info
        small.colorSpace = "unknown"
        #expect(OutputColor.from(stream: small).space == AVCOL_SPC_SMPTE170M, "untagged SD stays BT.601 as before")
        small.colorTransfer = "arib-std-b67"
        #expect(OutputColor.from(stream: small).space == AVCOL_SPC_BT709, "an HDR source comes out BT.709")
    }
}
