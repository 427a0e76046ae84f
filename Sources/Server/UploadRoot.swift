import Foundation
import Hook

/// The folder uploads arrive in. A path from a hook resolves (symlinks included) to a regular file inside it,
/// or is refused.
struct UploadRoot: Sendable {
    let path: String

    /// The input path relative to the root's real path, as the job spec will carry it.
    /// Blocking (realpath, stat): call through ``Blocking``.
    func relativeInput(_ given: String) throws -> String {
        guard !given.isEmpty, !given.utf8.contains(0) else { throw HookError.pathRefused("the input path is empty or has a NUL byte") }
        guard let rootReal = Self.realPath(path) else { throw HookError.pathRefused("the upload root does not exist") }
        let candidate = given.hasPrefix("/") ? given : rootReal + "/" + given
        guard let real = Self.realPath(candidate) else {
            throw HookError.pathRefused("'\(given)' does not exist under the upload root")
        }
        let prefix = rootReal.hasSuffix("/") ? rootReal : rootReal + "/"
        guard real.hasPrefix(prefix), real.count > prefix.count else {
            throw HookError.pathRefused("'\(given)' resolves outside the upload root")
        }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw HookError.pathRefused("'\(given)' is not a regular file")
        }
        return String(real.dropFirst(prefix.count))
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
