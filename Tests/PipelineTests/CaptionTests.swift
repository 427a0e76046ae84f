import Foundation
import Imaging
import Job
import Media
@testable import Pipeline
import Testing

@Suite struct CaptionTests {
    static let font = JobSpecLoader.defaultFont

    static func write(_ text: String, _ name: String) throws -> String {
        let dir = try FFmpegCLI.tempDir("cap")
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func overrideTagsAreStrippedAndDrawingsDropped() {
        #expect(CaptionText.sanitized(#"{\fs999}Hola {\i1}mundo{\i0}{\p1}m 0 0 l 100 0 100 100{\p0} fin"#) == #"Hola {\i1}mundo{\i0} fin"#)
        #expect(CaptionText.sanitized(#"{\pos(0,0)\fscx900\b1}uno\Ndos\Ntres"#) == #"{\b1}uno dos tres"#)
        #expect(CaptionText.sanitized(#"a { b"#) == "a ( b")
        #expect(CaptionText.sanitized(#"{\p2}m 0 0 l 1 1"#).isEmpty)
        #expect(CaptionText.plain(#"{\i1}<b>&</b>{\i0}\Nsegunda -->"#) == "&lt;b&gt;&amp;&lt;/b&gt;\nsegunda --&gt;")
    }

    @Test func srtAndWebVTTAreReadByFFmpeg() throws {
        let srt = try Self.write("1\n00:00:00,500 --> 00:00:01,250\n<i>Hola</i>, ¿qué tal?\n\n2\n00:00:02,000 --> 00:00:03,000\n{\\fs999}Adiós\ncon dos líneas\n\n", "a.es.srt")
        let cues = try SubtitleReader.read(path: srt)
        #expect(cues.count == 2)
        #expect(abs(cues[0].start - 0.5) < 1e-6 && abs(cues[0].end - 1.25) < 1e-6)
        #expect(CaptionText.plain(cues[0].text) == "Hola, ¿qué tal?")
        #expect(CaptionText.sanitized(cues[1].text) == #"Adiós\Ncon dos líneas"#)
        let vtt = try Self.write("WEBVTT\n\n00:00.000 --> 00:01.500\n<b>Uno</b> &amp; dos\n\n00:01:00.000 --> 00:01:02.000\nTres\n", "b.vtt")
        let v = try SubtitleReader.read(path: vtt)
        #expect(v.count == 2 && abs(v[1].start - 60) < 1e-6)
        #expect(CaptionText.plain(v[0].text) == "Uno &amp; dos")
    }

    @Test func hostileFilesAreRefusedClearly() throws {
        let garbage = try Self.write(String(repeating: "\u{1}\u{2}garbage\u{FF}", count: 50), "bad.srt")
        #expect(throws: MediaError.self) { try SubtitleReader.read(path: garbage) }
        var many = ""
        for i in 0..<20_001 { many += "\(i + 1)\n\(WebVTTWriter.srt(Double(i) * 0.1)) --> \(WebVTTWriter.srt(Double(i) * 0.1 + 0.05))\nx\n\n" }
        let flood = try Self.write(many, "flood.srt")
        do {
            _ = try SubtitleReader.read(path: flood)
            Issue.record("20001 cues were accepted")
        } catch let e as MediaError {
            #expect(e.isRefusedByPolicy && "\(e)".contains("more than 20000 cues"), "\(e)")
        }
        var limits = SubtitleReader.Limits()
        limits.maxBytes = 1000
        #expect(throws: MediaError.self) { try SubtitleReader.read(path: flood, limits: limits) }
    }

    @Test func timelineJoinsOverlapsAndCutsLongCues() {
        let t = CaptionTimeline(cues: [
            SubtitleCue(start: 1, end: 3, text: "uno"), SubtitleCue(start: 2, end: 4, text: "dos"),
            SubtitleCue(start: 5, end: 5, text: "vacía"), SubtitleCue(start: 6, end: 36_000, text: "horas"),
        ], duration: 10)
        #expect(t.cues.count == 3)
        #expect(t.spans.map(\.text) == ["uno", #"uno\Ndos"#, "dos", "horas"])
        #expect(t.spans.last?.end == 10)
        #expect(t.span(at: 0.99) == nil && t.span(at: 1) == 0 && t.span(at: 2.5) == 1 && t.span(at: 4) == nil && t.span(at: 9.9) == 3)
    }

    /// A long cue wraps to two lines at most, shrinking or cutting, always inside its box; \fs999 does nothing.
    @Test func longTextWrapsToTwoLinesInsideTheBox() throws {
        let safe = SafeArea(top: 0.14, bottom: 0.22, left: 0.06, right: 0.06)
        let style = CaptionStyle()
        let (box, _) = CaptionStamp.box(width: 360, height: 640, safeArea: safe, style: style, avoiding: nil)
        let renderer = try CaptionRenderer(width: 360, height: 640, box: box, style: style, fontPath: Self.font)
        let size = renderer.baseSize
        let short = try #require(try renderer.render("Hola"))
        let two = try #require(try renderer.render("Mi nombre es Ana y llegué a esta ciudad hace diez años"))
        let huge = try #require(try renderer.render(CaptionText.sanitized(#"{\fs999}"# + String(repeating: "palabra larga ", count: 80))))
        for r in [short, two, huge] {
            #expect(r.origin.x >= box.x && r.origin.y >= box.y, "\(r.origin) in \(box)")
            #expect(r.origin.x + r.image.width <= box.x + box.width + 1 && r.origin.y + r.image.height <= box.y + box.height + 1)
        }
        #expect(two.image.height > short.image.height + Int(size * 0.8), "wrapped to a second line")
        #expect(two.image.height <= short.image.height + Int(size * 1.5), "not a third")
        #expect(huge.image.height <= short.image.height + Int(size * 1.5), "the flood is cut to two lines")
        #expect(huge.image.width <= box.width + 1)
    }

    @Test func captionsMoveAboveAWatermarkInTheirWay() {
        let style = CaptionStyle()
        let mark = Rect(x: 600, y: 560, width: 280, height: 60)
        let (free, none) = CaptionStamp.box(width: 960, height: 720, safeArea: nil, style: style, avoiding: nil)
        let (moved, note) = CaptionStamp.box(width: 960, height: 720, safeArea: nil, style: style, avoiding: mark)
        #expect(none == nil && note?.contains("moved up") == true)
        #expect(moved.y + moved.height <= mark.y && free.y + free.height > mark.y)
        let top = Rect(x: 600, y: 20, width: 280, height: 60)
        let (below, _) = CaptionStamp.box(width: 960, height: 720, safeArea: nil, style: style, avoiding: top)
        #expect(below.y >= 80 && below.y + below.height == free.y + free.height)
    }
}
