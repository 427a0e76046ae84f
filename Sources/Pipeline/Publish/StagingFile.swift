import Job
import Foundation

/// A file written under a temporary name beside its final path and renamed into place only when complete:
/// a failure leaves nothing at the final path (and removes the temporary file).
public final class StagingFile {
    public let finalPath: String
    public let temporaryPath: String
    private var committed = false

    public init(finalPath: String) throws {
        let url = URL(fileURLWithPath: finalPath)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw PipelineError.publish(finalPath, "the folder \(dir) does not exist")
        }
        self.finalPath = finalPath
        let ext = url.pathExtension.isEmpty ? "" : "." + url.pathExtension
        self.temporaryPath = dir + "/." + url.deletingPathExtension().lastPathComponent + ".partial-" + UUID().uuidString.prefix(8) + ext
    }

    /// Rename into place (replacing an existing file atomically).
    public func commit() throws {
        guard rename(temporaryPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw PipelineError.publish(finalPath, reason)
        }
        committed = true
    }

    deinit {
        if !committed { unlink(temporaryPath) }
    }
}
