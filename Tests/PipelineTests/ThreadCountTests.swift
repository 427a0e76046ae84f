import Foundation
@testable import Pipeline
@testable import Runner
import Testing

/// The frame core's result does not depend on how many threads decode, scale and stamp: with the encoder's
/// own thread count held equal (x264 is deterministic for a given thread count), `--threads 1` and
/// `--threads 4` produce byte-identical renditions.
@Suite struct ThreadCountTests {
    @Test func oneAndFourThreadsGiveIdenticalOutputs() throws {
        let job = try JobRunnerTests.loader().load(data: Data(#"""
            {"version":1,"input":"campaign-16x9.mp4","watermark":{"text":"#SomosLoMismo"},"renditions":[
              {"name":"a","width":640,"height":360,"preset":"superfast"},
              {"name":"b","width":360,"height":640,"fit":"blur","preset":"superfast"}]}
            """#.utf8))
        let dir = try JobRunnerTests.tempDir()
        var hashes: [[String]] = []
        for threads in [1, 4] {
            var options = CoreOptions(threads: threads)
            options.encoderThreads = 2
            let result = try JobRunner.run(job, outputDirectory: dir.appendingPathComponent("t\(threads)").path, options: options, platforms: .none)
            hashes.append(result.outputs.filter { $0.kind == "video" }.map(\.sha256))
        }
        #expect(hashes[0].count == 2)
        #expect(hashes[0] == hashes[1], "threads 1: \(hashes[0]), threads 4: \(hashes[1])")
    }

    @Test("x264 threads follow the renditions' pixel rates: the biggest is not left on one thread, small ones get one")
    func encoderThreadBudget() {
        let rate = { (w: Int, h: Int) in Double(w * h) * 30 }
        #expect(FrameCore.encoderThreads(total: 2, pixelRates: [rate(1920, 1080), rate(1280, 720), rate(854, 480)]) == [2, 1, 1])
        #expect(FrameCore.encoderThreads(total: 2, pixelRates: [rate(1920, 1080)]) == [3])
        #expect(FrameCore.encoderThreads(total: 8, pixelRates: [rate(1920, 1080), rate(1280, 720), rate(854, 480)]) == [7, 3, 1])
        let social = [rate(1080, 1920), rate(1080, 1350), rate(1080, 1080), rate(1920, 1080), rate(1280, 720)]
        #expect(FrameCore.encoderThreads(total: 2, pixelRates: social) == [1, 1, 1, 1, 1])
        #expect(FrameCore.encoderThreads(total: 1, pixelRates: [0]) == [1])
    }
}
