import Foundation

/// The one rule for paths that come from outside (a job spec's input and watermark files, an upload hook's
/// path, an output file asked for through the API): the path resolves — symbolic links followed — to
/// somewhere inside a configured root, or it is refused. Used by the spec loader, the upload hook and the
/// output server alike, so the three cannot drift apart.
public enum PathContainment {
    public struct Rules: Sendable {
        /// An absolute path is accepted when it resolves inside the root (the hook's paths); otherwise only
        /// relative ones (a spec's fields, which are relative to their root by definition).
        public var allowAbsolute = false
        /// The path must exist; when false, a missing path is judged by its normalised form.
        public var mustExist = true
        /// The path must be a regular file (not a folder, device or FIFO).
        public var regularFile = false
        /// The root itself is an acceptable answer.
        public var allowRoot = true

        public init(allowAbsolute: Bool = false, mustExist: Bool = true, regularFile: Bool = false, allowRoot: Bool = true) {
            self.allowAbsolute = allowAbsolute
            self.mustExist = mustExist
            self.regularFile = regularFile
            self.allowRoot = allowRoot
        }
    }

    /// Why a path was refused, in words an operator can act on.
    public enum Refusal: Error, CustomStringConvertible, Sendable, Equatable {
        case empty, nulByte, absolute(root: String), noRoot(String), missing(String, root: String)
        case outside(String, root: String), notRegularFile(String)

        public var description: String {
            switch self {
            case .empty: return "must not be empty"
            case .nulByte: return "contains a NUL byte"
            case .absolute(let root): return "must be relative to its root (\(root)), not absolute"
            case .noRoot(let root): return "the root \(root) does not exist"
            case .missing(let path, let root): return "'\(path)' does not exist under \(root)"
            case .outside(let path, let root): return "'\(path)' resolves outside \(root)"
            case .notRegularFile(let path): return "'\(path)' is not a regular file"
            }
        }
    }

    /// A path that passed: its real absolute path, and that path relative to the root's real path.
    public struct Resolved: Sendable, Equatable {
        public var path: String
        public var relative: String
    }

    /// Resolves `given` inside `root` under `rules`. Blocking (realpath, stat).
    public static func resolve(_ given: String, inside root: String, rules: Rules = Rules()) throws(Refusal) -> Resolved {
        guard !given.isEmpty else { throw .empty }
        guard !given.utf8.contains(0) else { throw .nulByte }
        guard rules.allowAbsolute || !given.hasPrefix("/") else { throw .absolute(root: root) }
        guard let rootReal = realPath(root) else { throw .noRoot(root) }
        let joined = given.hasPrefix("/") ? given : rootReal + "/" + given
        let candidate: String
        if let real = realPath(joined) {
            candidate = real
        } else if rules.mustExist {
            throw .missing(given, root: root)
        } else {
            candidate = (joined as NSString).standardizingPath
        }
        let prefix = rootReal.hasSuffix("/") ? rootReal : rootReal + "/"
        let inside = candidate.hasPrefix(prefix) && candidate.count > prefix.count
        guard inside || (rules.allowRoot && candidate == rootReal) else { throw .outside(given, root: root) }
        if rules.regularFile {
            var info = stat()
            guard stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegularFile(given) }
        }
        return Resolved(path: candidate, relative: candidate == rootReal ? "" : String(candidate.dropFirst(prefix.count)))
    }

    /// The canonical absolute path (symbolic links resolved), or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
