import Foundation

/// A folder filled under a temporary name beside its final path and renamed into place when complete.
/// A failed job leaves nothing at the final path; the staging folder is removed.
public final class StagingDirectory {
    public let finalPath: String
    public let path: String
    private var committed = false

    public init(finalPath: String) throws {
        let url = URL(fileURLWithPath: finalPath).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        self.finalPath = url.path
        path = parent + "/." + url.lastPathComponent + ".partial-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    /// Move into place; an existing folder at the final path is replaced.
    public func commit() throws {
        let fm = FileManager.default
        var old: String?
        if fm.fileExists(atPath: finalPath) {
            old = finalPath + ".old-" + UUID().uuidString.prefix(8)
            guard rename(finalPath, old!) == 0 else { throw PipelineError.publish(finalPath, String(cString: strerror(errno))) }
        }
        guard rename(path, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            if let old { rename(old, finalPath) }
            throw PipelineError.publish(finalPath, reason)
        }
        committed = true
        if let old { try? fm.removeItem(atPath: old) }
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: path) }
    }
}
