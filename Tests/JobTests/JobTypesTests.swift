import Foundation
import Job
import Testing

/// The job's own types across the attempt boundary and the path rule every entry point shares.
@Suite struct JobTypesTests {
    @Test func attemptEventsRoundTripAndKeepTheirWireNames() throws {
        let progress = CoreProgress(frames: 42, total: nil, fraction: 0.123456, fps: 29.97, elapsed: 1.44, eta: nil)
        let line = AttemptEvent.progress(progress).line
        #expect(line == #"{"event":"progress","progress":{"elapsed":1.4,"fps":30,"fraction":0.123,"frames":42,"total":null}}"#)
        guard case .progress(let back)? = AttemptEvent(line: line) else { Issue.record("progress not read back"); return }
        #expect(back.frames == 42 && back.total == nil && back.fraction == 0.123 && back.eta == nil)

        let failure = AttemptFailure(message: "input: refused", failureClass: .permanent)
        let failed = AttemptEvent.failed(failure).line
        #expect(failed == #"{"event":"failed","failure":{"class":"permanent","message":"input: refused"}}"#)
        guard case .failed(let f)? = AttemptEvent(line: failed) else { Issue.record("failure not read back"); return }
        #expect(f == failure && !f.retryable)
        #expect(AttemptFailure(message: "x", failureClass: .transient).retryable)

        var output = JobResult.Output(kind: "video", name: "story", path: "story.mp4", sha256: "ab", bytes: 10)
        output.platform = PlatformFinding(name: "instagram-reels", violations: [PlatformViolation(rule: "duration", message: "2 s")])
        let result = JobResult(input: "in.mp4", outputs: [output], timings: ["total": 2])
        guard case .succeeded(let r)? = AttemptEvent(line: AttemptEvent.succeeded(result).line) else {
            Issue.record("success not read back"); return
        }
        #expect(r.outputs.first?.platform?.violations.first?.rule == "duration" && r.timings["total"] == 2)
    }

    @Test func linesThatAreNotEventsAreNotEvents() {
        for line in ["", "x264 [info]: frame I:1", "{}", #"{"event":"finished"}"#, #"{"event":"failed","error":"old shape"}"#,
                     #"{"frames":10,"fraction":0.1}"#, "[1,2]"] {
            #expect(AttemptEvent(line: line) == nil, "\(line)")
        }
    }

    @Test func progressNeverWritesANonFiniteNumber() {
        let p = CoreProgress(frames: 1, total: 10, fraction: .nan, fps: .infinity, elapsed: 0, eta: .infinity)
        #expect(p.jsonLine == #"{"elapsed":0,"eta":0,"fps":0,"fraction":0,"frames":1,"total":10}"#)
    }

    @Test func jsonValueKeepsIntegersAndRoundTrips() throws {
        let text = #"{"a":1,"b":2.5,"c":[true,null,"x"],"d":{"e":-3}}"#
        let value = try #require(JSONValue(json: Data(text.utf8)))
        #expect(value.text == text)
        #expect(value == ["a": 1, "b": 2.5, "c": [true, nil, "x"], "d": ["e": -3]])
        #expect(JSONValue(text: "not json") == .string("not json"))
        #expect(JSONValue(json: Data("{".utf8)) == nil)
    }

    @Test func pathContainmentFollowsLinksAndRefusesWhatLeaves() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("mw-contain-\(UUID().uuidString.prefix(6))").path
        let root = base + "/root"
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/sub/in.mp4"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: base + "/outside.txt"))
        try FileManager.default.createSymbolicLink(atPath: root + "/escape", withDestinationPath: base + "/outside.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/inside", withDestinationPath: root + "/sub/in.mp4")

        let ok = try PathContainment.resolve("sub/in.mp4", inside: root)
        #expect(ok.relative == "sub/in.mp4" && ok.path.hasSuffix("/root/sub/in.mp4"))
        #expect(try PathContainment.resolve("inside", inside: root).relative == "sub/in.mp4")
        func refusal(_ path: String, _ rules: PathContainment.Rules = .init()) -> PathContainment.Refusal? {
            do { _ = try PathContainment.resolve(path, inside: root, rules: rules); return nil } catch { return error }
        }
        #expect(refusal("escape") == .outside("escape", root: root))
        #expect(refusal("../outside.txt") == .outside("../outside.txt", root: root))
        #expect(refusal("sub/../../outside.txt", .init(mustExist: false)) == .outside("sub/../../outside.txt", root: root))
        #expect(refusal(base + "/outside.txt") == .absolute(root: root))
        #expect(refusal(base + "/outside.txt", .init(allowAbsolute: true)) == .outside(base + "/outside.txt", root: root))
        #expect(refusal("missing.mp4") == .missing("missing.mp4", root: root))
        #expect(refusal("") == .empty)
        #expect(refusal("a\u{0}b") == .nulByte)
        #expect(refusal("sub", .init(regularFile: true)) == .notRegularFile("sub"))
        #expect(refusal(".", .init(allowRoot: false)) == .outside(".", root: root))
        #expect(refusal(".") == nil)
    }
}
