#if canImport(Glibc)
import Glibc
#endif

/// The top-level box layout of an MP4/MOV file: where `moov` sits relative to `mdat`, and whether any
/// track carries an edit list. Read from the box headers only (a few small reads), not through FFmpeg.
public struct MP4Layout: Sendable {
    public var topLevel: [(type: String, offset: Int64, size: Int64)]
    public var hasEditList: Bool
    /// A track's data reference (`dinf/dref`) points outside the file (an alias, or a `url `/`urn ` entry
    /// without the self-contained flag): its samples would come from another file or URL.
    public var hasExternalDataReference = false

    public var moovBeforeMdat: Bool {
        guard let moov = topLevel.firstIndex(where: { $0.type == "moov" }) else { return false }
        guard let mdat = topLevel.firstIndex(where: { $0.type == "mdat" }) else { return true }
        return moov < mdat
    }

    public static func read(path: String) -> MP4Layout? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        fseeko(file, 0, SEEK_END)
        let fileSize = Int64(ftello(file))
        var boxes: [(type: String, offset: Int64, size: Int64)] = []
        var offset: Int64 = 0
        var hasEditList = false, external = false
        while offset + 8 <= fileSize, boxes.count < 1000 {
            guard let (type, size, header) = boxHeader(file, at: offset, limit: fileSize) else { break }
            boxes.append((type, offset, size))
            if type == "moov" {
                hasEditList = containsBox("elst", file: file, from: offset + header, to: offset + size, depth: 0)
                external = external || externalReference(file: file, from: offset + header, to: offset + size, depth: 0)
            }
            offset += size
        }
        var layout = MP4Layout(topLevel: boxes, hasEditList: hasEditList)
        layout.hasExternalDataReference = external
        return layout
    }

    /// Whether a `dref` under `from..<to` has an entry that is not a self-contained `url `/`urn `.
    private static func externalReference(file: UnsafeMutablePointer<FILE>, from: Int64, to: Int64, depth: Int) -> Bool {
        guard depth < 8 else { return false }
        var offset = from
        while offset + 8 <= to {
            guard let (type, size, header) = boxHeader(file, at: offset, limit: to) else { return false }
            if type == "dref" {
                // version/flags and entry count, then entries (each a box with version/flags).
                var entry = offset + header + 8
                while entry + 12 <= offset + size {
                    guard let (entryType, entrySize, entryHeader) = boxHeader(file, at: entry, limit: offset + size) else { return true }
                    var flags = [UInt8](repeating: 0, count: 4)
                    fseeko(file, off_t(entry + entryHeader), SEEK_SET)
                    guard fread(&flags, 1, 4, file) == 4 else { return true }
                    if !((entryType == "url " || entryType == "urn ") && flags[3] & 1 == 1) { return true }
                    entry += entrySize
                }
            } else if containers.contains(type) || type == "dinf",
                      externalReference(file: file, from: offset + header, to: offset + size, depth: depth + 1) {
                return true
            }
            offset += size
        }
        return false
    }

    private static let containers: Set<String> = ["moov", "trak", "edts", "mdia", "minf", "stbl"]

    private static func containsBox(_ wanted: String, file: UnsafeMutablePointer<FILE>, from: Int64, to: Int64, depth: Int) -> Bool {
        guard depth < 8 else { return false }
        var offset = from
        while offset + 8 <= to {
            guard let (type, size, header) = boxHeader(file, at: offset, limit: to) else { return false }
            if type == wanted { return true }
            if containers.contains(type), containsBox(wanted, file: file, from: offset + header, to: offset + size, depth: depth + 1) {
                return true
            }
            offset += size
        }
        return false
    }

    private static func boxHeader(_ file: UnsafeMutablePointer<FILE>, at offset: Int64, limit: Int64) -> (String, Int64, Int64)? {
        var bytes = [UInt8](repeating: 0, count: 16)
        fseeko(file, off_t(offset), SEEK_SET)
        let n = fread(&bytes, 1, 16, file)
        guard n >= 8 else { return nil }
        var size = Int64(bytes[0]) << 24 | Int64(bytes[1]) << 16 | Int64(bytes[2]) << 8 | Int64(bytes[3])
        let type = String(decoding: bytes[4..<8], as: UTF8.self)
        var header: Int64 = 8
        if size == 1 {
            guard n >= 16 else { return nil }
            size = bytes[8..<16].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            header = 16
        } else if size == 0 {
            size = limit - offset
        }
        guard size >= header, offset + size <= limit else { return nil }
        return (type, size, header)
    }
}
