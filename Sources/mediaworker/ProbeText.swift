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
            if let c = colour(s) { parts.append(c) }
            if let r = s.sampleRate { parts.append("\(r) Hz") }
            if let c = s.channels { parts.append("\(c) ch" + (s.channelLayout.map { " (\($0))" } ?? "")) }
            if let b = s.bitRate { parts.append("\(b / 1000) kb/s") }
            if let d = s.duration { parts.append(String(format: "%.3f s", d)) }
            lines.append("  " + parts.joined(separator: ", "))
            if let h = hdr(s) { lines.append("    " + h) }
        }
        return lines.joined(separator: "\n")
    }

    /// "matrix/primaries/transfer" of a video stream, when any is specified.
    static func colour(_ s: StreamInfo) -> String? {
        let names = [s.colorSpace, s.colorPrimaries, s.colorTransfer]
        guard s.type == .video, names.contains(where: { $0 != nil && $0 != "unknown" }) else { return nil }
        return "colour " + names.map { $0 ?? "unknown" }.joined(separator: "/") + (s.colorRange.map { " \($0)" } ?? "")
    }

    /// The HDR line: transfer, mastering display and content light level.
    static func hdr(_ s: StreamInfo) -> String? {
        guard s.type == .video, s.hdrTransfer != nil || s.hdr != nil else { return nil }
        var parts: [String] = []
        switch s.hdrTransfer {
        case .pq: parts.append("HDR: PQ (SMPTE ST 2084)")
        case .hlg: parts.append("HDR: HLG (ARIB STD-B67)")
        case nil: parts.append("HDR metadata")
        }
        func xy(_ p: [Double]?) -> String { p.map { String(format: "(%.4f, %.4f)", $0[0], $0[1]) } ?? "?" }
        if let m = s.hdr?.masteringDisplay {
            var text = "mastering display"
            if m.red != nil { text += " R\(xy(m.red)) G\(xy(m.green)) B\(xy(m.blue)) WP\(xy(m.whitePoint))" }
            if let lo = m.minLuminance, let hi = m.maxLuminance { text += String(format: " %.4f–%.0f nits", lo, hi) }
            parts.append(text)
        }
        if let c = s.hdr?.contentLight { parts.append("MaxCLL \(c.maxCLL) nits, MaxFALL \(c.maxFALL) nits") }
        return parts.joined(separator: "; ")
    }
}
