import CProcess
import Foundation
import Job

/// A folder filled under a temporary name beside its final path and renamed into place when complete.
/// A failed job leaves nothing at the final path; the staging folder is removed. Names: ``StagingNames``.
public final class StagingDirectory {
    public let finalPath: String
    public let path: String
    private var committed = false

    public init(finalPath: String) throws {
        let url = URL(fileURLWithPath: finalPath).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        self.finalPath = url.path
        path = parent + "/" + StagingNames.prefix(url.lastPathComponent) + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    /// Move into place. An existing folder at the final path is swapped out in one atomic step
    /// (renameat2 RENAME_EXCHANGE: readers see the old set or the new one, never neither) and then deleted
    /// from the hidden staging name it was swapped to.
    public func commit() throws {
        if rename(path, finalPath) == 0 {
            committed = true
            return
        }
        guard errno == ENOTEMPTY || errno == EEXIST else {
            throw PipelineError.publish(finalPath, String(cString: strerror(errno)))
        }
        guard mw_rename_exchange(path, finalPath) == 0 else {
            throw PipelineError.publish(finalPath, String(cString: strerror(errno)))
        }
        committed = true
        // `path` now holds the previous outputs.
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: path) }
    }
}
