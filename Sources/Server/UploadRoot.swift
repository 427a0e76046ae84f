import Foundation
import Hook
import Job

/// The folder uploads arrive in. A path from a hook resolves (symlinks included) to a regular file inside it,
/// or is refused.
struct UploadRoot: Sendable {
    let path: String

    /// The input path relative to the root's real path, as the job spec will carry it.
    /// Blocking (realpath, stat): call through ``Blocking``.
    func relativeInput(_ given: String) throws -> String {
        let rules = PathContainment.Rules(allowAbsolute: true, mustExist: true, regularFile: true, allowRoot: false)
        do {
            return try PathContainment.resolve(given, inside: path, rules: rules).relative
        } catch {
            switch error {
            case .empty, .nulByte: throw HookError.pathRefused("the input path is empty or has a NUL byte")
            case .noRoot: throw HookError.pathRefused("the upload root does not exist")
            case .missing: throw HookError.pathRefused("'\(given)' does not exist under the upload root")
            case .outside: throw HookError.pathRefused("'\(given)' resolves outside the upload root")
            case .notRegularFile: throw HookError.pathRefused("'\(given)' is not a regular file")
            case .absolute: throw HookError.pathRefused("'\(given)' must be relative to the upload root")
            }
        }
    }
}
