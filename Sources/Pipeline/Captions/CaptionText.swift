import Foundation

/// What of a cue's text may reach libass. FFmpeg's decoders hand SRT and WebVTT text over as ASS Text fields,
/// and ASS override blocks (`{\fs999}`, `{\p1}m 0 0 l …` drawings, `{\pos(…)}`, `{\t(…)}` animations) would
/// let a captions file set any size, position or shape. Only italic, bold, underline and strike-out
/// (`\i`, `\b`, `\u`, `\s` with 0 or 1) are kept; every other tag is dropped, and drawing commands with
/// their `\p` tag; stray braces become parentheses. The result renders the same at every instant of the cue
/// (nothing animates), which is what lets a caption image be rendered once and reused.
public enum CaptionText {
    /// The cue's text as it is burned in: allowed tags only, at most two explicit lines.
    public static func sanitized(_ text: String) -> String {
        var out = ""
        var drawing = false
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            if ch == "{", let close = text[i...].firstIndex(of: "}") {
                let block = text[text.index(after: i)..<close]
                var kept = ""
                for tag in block.split(separator: "\\", omittingEmptySubsequences: true) {
                    let t = tag.trimmingCharacters(in: .whitespaces)
                    if t.hasPrefix("p"), let level = Int(t.dropFirst()) { drawing = level > 0; continue }
                    if ["i0", "i1", "b0", "b1", "u0", "u1", "s0", "s1"].contains(t) { kept += "\\" + t }
                }
                if !kept.isEmpty && !drawing { out += "{" + kept + "}" }
                i = text.index(after: close)
                continue
            }
            if !drawing {
                switch ch {
                case "{": out += "("
                case "}": out += ")"
                case "\u{0}"..."\u{8}", "\u{B}"..."\u{1F}", "\u{7F}": break
                case "\n", "\r": out += "\\N"
                default: out.append(ch)
                }
            }
            i = text.index(after: i)
        }
        // Two explicit lines at most (a speaker's dash on each); more are joined and left to the wrapping.
        let lines = out.components(separatedBy: "\\N").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.count <= 2 ? lines.joined(separator: "\\N") : lines.joined(separator: " ")
    }

    /// The cue's text for a WebVTT sidecar: no tags at all, `\N` as a line break, `&`, `<`, `>` escaped, no
    /// blank lines (a blank line would end the cue).
    public static func plain(_ text: String) -> String {
        var out = ""
        var drawing = false
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            if ch == "{", let close = text[i...].firstIndex(of: "}") {
                for tag in text[text.index(after: i)..<close].split(separator: "\\") {
                    if tag.hasPrefix("p"), let level = Int(tag.dropFirst()) { drawing = level > 0 }
                }
                i = text.index(after: close)
                continue
            }
            if !drawing { out.append(ch) }
            i = text.index(after: i)
        }
        out = out.replacingOccurrences(of: "\\N", with: "\n").replacingOccurrences(of: "\\n", with: "\n")
            .replacingOccurrences(of: "\\h", with: " ")
        out = out.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "-->", with: "--&gt;")
        return out.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
