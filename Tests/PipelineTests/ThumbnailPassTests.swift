import Foundation
import Imaging
import Media
@testable import Pipeline
@testable import Runner
import Testing

/// The thumbnail-only pass may seek and skip pictures, but must pick what decoding every frame picks.
@Suite(.serialized) struct ThumbnailPassTests {
    /// 640×360, 30 fps, 10 s (300 frames), H.264 with B-frames, a keyframe exactly every 2 s, black frames
    /// (drawbox fill) at 4.4–5.3 s (a target at 4.5 s), 5.9–6.4 s (across the keyframe at 6 s) and 7.4–9.8 s
    /// (longer than the 2 s avoid-black window after the 7.5 s target). Made once per test run.
    static let blackSegmentsClip: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mw-thumbpass-\(UUID().uuidString.prefix(6)).mp4").path
        let black = ["4.39,5.31", "5.89,6.41", "7.39,9.81"].map { "drawbox=enable='between(t,\($0))':color=black:t=fill" }
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        ffmpeg.arguments = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=10",
                            "-f", "lavfi", "-i", "sine=f=440:d=10", "-vf", black.joined(separator: ","),
                            "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "60", "-keyint_min", "60",
                            "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", path]
        try? ffmpeg.run()
        ffmpeg.waitUntilExit()
        return path
    }()

    struct Run {
        var shots: [ThumbnailTap.Shot]
        var report: ThumbnailPass.Report
    }

    static func run(_ path: String, count: Int, times: [Double] = [], avoidBlack: Bool,
                    strategy: ThumbnailPass.Strategy) throws -> Run {
        let input = try InputContainer(path: path)
        let stream = try input.requireVideoStream()
        let info = input.streamInfo(stream)
        let duration = info.duration ?? input.durationSeconds ?? 0
        let tap = ThumbnailTap(targets: (ThumbnailTap.evenTimes(count: count, duration: duration) + times).map { min($0, duration) },
                               width: 160, avoidBlack: avoidBlack, sampleAspect: info.sampleAspectRatio?.double ?? 1,
                               rotation: info.rotation ?? 0)
        let report = try ThumbnailPass.run(input: input, stream: stream, tap: tap, cancel: CancellationToken(), strategy: strategy)
        return Run(shots: tap.shots, report: report)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var clip: String
        var count: Int
        var times: [Double]
        var avoidBlack: Bool
        /// Whether these targets make the fast path seek (so the test exercises it, not only skipping).
        var seeks: Bool
        var testDescription: String { "\(clip) count \(count) times \(times) avoid_black \(avoidBlack)" }
        var path: String { clip == "synthetic" ? ThumbnailPassTests.blackSegmentsClip : JobRunnerTests.root.appendingPathComponent("samples/\(clip)").path }
    }

    @Test(arguments: [
        Case(clip: "synthetic", count: 10, times: [6.0, 10.0], avoidBlack: true, seeks: true),
        Case(clip: "synthetic", count: 10, times: [], avoidBlack: false, seeks: true),
        Case(clip: "synthetic", count: 3, times: [9.97], avoidBlack: true, seeks: true),
        Case(clip: "campaign-16x9.mp4", count: 2, times: [0.1, 3.0, 5.9], avoidBlack: true, seeks: true),
        Case(clip: "campaign-16x9.mp4", count: 10, times: [], avoidBlack: false, seeks: false),
        Case(clip: "portrait-9x16-rotated.mp4", count: 4, times: [3.9], avoidBlack: true, seeks: true),
    ])
    func seekingPicksWhatDecodingThroughPicks(_ c: Case) throws {
        let through = try Self.run(c.path, count: c.count, times: c.times, avoidBlack: c.avoidBlack, strategy: .decodeThrough)
        let fast = try Self.run(c.path, count: c.count, times: c.times, avoidBlack: c.avoidBlack, strategy: .fast)
        #expect(through.shots.count == c.count + c.times.count)
        #expect(fast.shots.count == through.shots.count)
        for (a, b) in zip(through.shots, fast.shots) {
            #expect(a.target == b.target)
            #expect(abs(a.time - b.time) <= 1.0 / 30 + 1e-6, "target \(a.target): decode-through \(a.time) s, fast \(b.time) s")
            #expect(a.image.width == b.image.width && a.image.height == b.image.height)
            #expect(a.image.pixels == b.image.pixels, "target \(a.target): the images differ")
        }
        #expect(through.report.seeks == 0 && through.report.packetsSentSkipping == 0)
        if c.seeks { #expect(fast.report.seeks > 0, "these targets should make the fast path seek") }
        #expect(fast.report.framesDecoded < through.report.framesDecoded)
        print("thumbnail pass \(c.testDescription): decode-through \(through.report), fast \(fast.report)")
    }

    @Test func blackTargetsMoveToLitFramesOnBothPaths() throws {
        let fast = try Self.run(Self.blackSegmentsClip, count: 10, avoidBlack: true, strategy: .fast)
        let times = fast.shots.map(\.time)
        // 4.5 s is black until 5.3 s; 7.5 s is black through its whole window, so it keeps the best of those
        // black frames; 8.5 s and 9.5 s take the first lit frame after 9.8 s.
        let shot45 = try #require(fast.shots.first { $0.target == 4.5 })
        #expect(abs(shot45.time - 5.3 - 1.0 / 30) < 0.005 && ThumbnailTap.judge(shot45.image).ok, "\(times)")
        let shot75 = try #require(fast.shots.first { $0.target == 7.5 })
        #expect(shot75.time >= 7.5 - 0.02 && shot75.time <= 9.5 && !ThumbnailTap.judge(shot75.image).ok, "\(times)")
        for t in [8.5, 9.5] {
            let shot = try #require(fast.shots.first { $0.target == t })
            #expect(abs(shot.time - 9.8 - 1.0 / 30) < 0.005 && ThumbnailTap.judge(shot.image).ok, "\(times)")
        }
    }

    @Test func thumbnailsOnlyDecodesFewerFramesThanTheClipHas() throws {
        let input = try InputContainer(path: Self.blackSegmentsClip)
        let stream = try input.requireVideoStream()
        let frames = try #require(input.streamInfo(stream).frameCount)
        #expect(frames == 300)
        #expect(input.indexedKeyframes(stream: stream).count == 5, "a keyframe every 2 s")

        let through = try Self.run(Self.blackSegmentsClip, count: 10, avoidBlack: false, strategy: .decodeThrough)
        let seekOnly = try Self.run(Self.blackSegmentsClip, count: 10, avoidBlack: false,
                                    strategy: .init(seek: true, skipNonReference: false))
        let fast = try Self.run(Self.blackSegmentsClip, count: 10, avoidBlack: false, strategy: .fast)
        print("frames decoded of \(frames): decode-through \(through.report.framesDecoded), seek \(seekOnly.report.framesDecoded) "
              + "(\(seekOnly.report.seeks) seeks), seek + skip non-reference \(fast.report.framesDecoded)")
        // Seeking alone skips the tail of every GOP after its last target (the 2 s GOPs hold 2 targets each).
        #expect(seekOnly.report.seeks >= 4)
        #expect(seekOnly.report.framesDecoded < through.report.framesDecoded)
        #expect(fast.report.framesDecoded < seekOnly.report.framesDecoded)
        #expect(through.report.framesDecoded <= Int(frames))
    }
}
