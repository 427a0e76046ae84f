import Foundation
import Testing
import TestSupport

/// Helpers shared by the media tests: temporary folders, the ffmpeg CLI to *make* inputs and ffprobe to
/// *cross-check* outputs (the product itself never runs them), and the built `mediaworker` binary.
enum Support {
    static var repoRoot: URL { TestSupport.repoRoot }

    static func sample(_ name: String) -> String { repoRoot.appendingPathComponent("samples/\(name)").path }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mw-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    typealias Result = TestSupport.RunResult

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], cwd: URL? = nil) throws -> Result {
        try TestSupport.run(executable, arguments, cwd: cwd)
    }

    /// Make an input with the ffmpeg CLI; fails the test if ffmpeg fails.
    static func ffmpeg(_ arguments: [String]) throws {
        let r = try run("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-y"] + arguments)
        if r.status != 0 { throw TestFailure("ffmpeg \(arguments.joined(separator: " ")) failed: \(r.stderr)") }
    }

    /// ffprobe's JSON of streams and format.
    static func ffprobe(_ path: String, extra: [String] = []) throws -> [String: Any] {
        let r = try run("/usr/bin/ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", "-show_format"] + extra + [path])
        if r.status != 0 { throw TestFailure("ffprobe \(path) failed: \(r.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    static func streams(_ probe: [String: Any]) -> [[String: Any]] { probe["streams"] as? [[String: Any]] ?? [] }
    static func stream(_ probe: [String: Any], _ type: String) -> [String: Any]? {
        streams(probe).first { $0["codec_type"] as? String == type }
    }
    static func double(_ any: Any?) -> Double? {
        if let s = any as? String { return Double(s) }
        return (any as? NSNumber)?.doubleValue
    }

    /// Keyframe times (seconds) of the video stream, from ffprobe's packet list.
    static func keyframeTimes(_ path: String) throws -> [Double] {
        let r = try run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags",
                                             "-of", "csv=p=0", path])
        return r.stdout.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ",")
            guard parts.count >= 2, parts[1].contains("K") else { return nil }
            return Double(parts[0])
        }.sorted()
    }

    /// The built `mediaworker` executable, beside the test bundle.
    static var mediaworker: String { TestSupport.mediaworker }

    static func files(in dir: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
