import Foundation
import Testing

/// Memory stays flat however long the video: a 60 s input's peak RSS is within 10 % of a 10 s input's
/// (same job, measured by GNU time around the real command).
@Suite struct MemoryTests {
    static func run(_ args: [String]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0])
        p.arguments = Array(args.dropFirst())
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func peakKB(seconds: Int, dir: URL) throws -> Int {
        let input = dir.appendingPathComponent("in-\(seconds).mp4").path
        let r = try run(["/usr/bin/ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=\(seconds)",
                         "-f", "lavfi", "-i", "sine=d=\(seconds)", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", input])
        #expect(r.status == 0, "\(r.stderr)")
        let spec = dir.appendingPathComponent("spec-\(seconds).json").path
        try Data("""
            {"version":1,"input":"in-\(seconds).mp4","renditions":[
             {"name":"a","width":640,"height":360,"preset":"ultrafast"},{"name":"b","width":360,"height":640,"fit":"blur","preset":"ultrafast"}],
             "watermark":{"text":"#SomosLoMismo"},"thumbnails":{"count":4,"width":160}}
            """.utf8).write(to: URL(fileURLWithPath: spec))
        let timeFile = dir.appendingPathComponent("time-\(seconds)").path
        let t = try run(["/usr/bin/time", "-f", "%M", "-o", timeFile, Support.mediaworker, "process", spec, "--input-root", dir.path,
                         "--output", dir.appendingPathComponent("out-\(seconds)").path, "--progress", "none",
                         "--jobs-dir", Support.repoRoot.appendingPathComponent("jobs").path])
        #expect(t.status == 0, "\(t.stderr)")
        let text = try String(contentsOfFile: timeFile, encoding: .utf8)
        return Int(text.split(separator: "\n").last.map(String.init) ?? "") ?? 0
    }

    @Test func peakMemoryDoesNotGrowWithLength() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mw-mem-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let short = try Self.peakKB(seconds: 10, dir: dir)
        let long = try Self.peakKB(seconds: 60, dir: dir)
        #expect(short > 0 && long > 0)
        #expect(Double(long) <= Double(short) * 1.10, "peak RSS 10 s: \(short) KB, 60 s: \(long) KB")
    }
}
