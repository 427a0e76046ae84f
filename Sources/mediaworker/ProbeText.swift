import Foundation
import Media

enum ProbeText {
    static func render(_ info: MediaInfo) -> String {
        var lines: [String] = []
        var head = "\(info.path): \(info.container)"
        if let d = info.duration { head += ", \(String(format: "%.3f", d)) s" }
        if let b = info.bitRate { head += ", \(b / 1000) kb/s" }
        if let moov = info.moovBeforeMdat { head += moov ? ", moov first" : ", moov last" }
        if info.hasEditList == true { head += ", edit lists" }
        lines.append(head)
        for s in info.streams {
            var parts = ["#\(s.index) \(s.type.rawValue): \(s.codec)"]
            if let p = s.profile { parts.append(p) }
            if let w = s.width, let h = s.height { parts.append("\(w)×\(h)") }
            if let sar = s.sampleAspectRatio { parts.append("SAR \(sar.num):\(sar.den)") }
            if let dar = s.displayAspectRatio { parts.append("DAR \(dar.num):\(dar.den)") }
            if let r = s.rotation, r != 0 { parts.append("rotation \(r)°") }
            if let f = s.frameRate { parts.append(String(format: "%.3f fps", f.double)) }
            if let p = s.pixelFormat { parts.append(p) }
            if let o = s.fieldOrder { parts.append(o == "progressive" ? "progressive" : "interlaced \(o)") }
            if let r = s.sampleRate { parts.append("\(r) Hz") }
            if let c = s.channels { parts.append("\(c) ch" + (s.channelLayout.map { " (\($0))" } ?? "")) }
            if let b = s.bitRate { parts.append("\(b / 1000) kb/s") }
            if let d = s.duration { parts.append(String(format: "%.3f s", d)) }
            lines.append("  " + parts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
