import Foundation
import Media

/// The sidecar: the job's cues as WebVTT (`captions.<language>.vtt`), text without tags (see `CaptionText.plain`).
public enum WebVTTWriter {
    public static func text(_ cues: [SubtitleCue], language: String) -> String {
        var out = "WEBVTT\nLanguage: \(language)\n\n"
        var n = 0
        for cue in cues {
            let body = CaptionText.plain(cue.text)
            guard !body.isEmpty else { continue }
            n += 1
            out += "\(n)\n\(timestamp(cue.start)) --> \(timestamp(cue.end))\n\(body)\n\n"
        }
        return out
    }

    /// `hh:mm:ss,mmm` (SRT's form).
    static func srt(_ seconds: Double) -> String { timestamp(seconds).replacingOccurrences(of: ".", with: ",") }

    /// `hh:mm:ss.mmm`.
    static func timestamp(_ seconds: Double) -> String {
        let ms = Int64((max(0, seconds) * 1000).rounded())
        return String(format: "%02lld:%02lld:%02lld.%03lld", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
    }
}
