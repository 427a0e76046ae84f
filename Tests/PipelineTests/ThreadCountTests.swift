import Foundation
@testable import Pipeline
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
            let result = try JobRunner.run(job, outputDirectory: dir.appendingPathComponent("t\(threads)").path, options: options)
            hashes.append(result.outputs.filter { $0.kind == "video" }.map(\.sha256))
        }
        #expect(hashes[0].count == 2)
        #expect(hashes[0] == hashes[1], "threads 1: \(hashes[0]), threads 4: \(hashes[1])")
    }
}
