/// The environment an attempt's child process gets: built from an allowlist, never the worker's own.
///
/// The child parses hostile media; whatever it can read, an exploit in a decoder can read too. The worker's
/// environment holds the upload hook's secret, the operators' token and, where an operator puts it there, the
/// queue's URL with its password (`MEDIAWORKER_QUEUE`, libpq's `PG*`): none of that reaches the child. It gets
/// what a process needs to run (the search path, the locale, the time zone, a temporary folder, the loader's
/// path), the sanitizers' and Swift's backtrace settings (so sanitized test runs report from the child), the
/// FFmpeg log level, and the few `MEDIAWORKER_*` the attempt reads. Its job spec comes on stdin.
public enum AttemptEnvironment {
    /// Variables passed on when the worker has them.
    public static let allowed: Set<String> = [
        "PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "LD_LIBRARY_PATH",
        "ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS", "SWIFT_BACKTRACE", "LLVM_PROFILE_FILE",
        "MEDIAWORKER_FFMPEG_LOG", "MEDIAWORKER_LOG_LEVEL",
    ]
    /// Prefixes passed on (the locale's categories: `LC_ALL`, `LC_CTYPE`, …).
    public static let allowedPrefixes = ["LC_"]

    /// The child's environment: the allowed part of `parent`, plus the job's id and the attempt's number.
    public static func make(from parent: [String: String], jobID: String, attempt: Int64) -> [String: String] {
        var environment = parent.filter { name, _ in
            allowed.contains(name) || allowedPrefixes.contains { name.hasPrefix($0) }
        }
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        environment["MEDIAWORKER_JOB_ID"] = jobID
        environment["MEDIAWORKER_ATTEMPT"] = String(attempt)
        return environment
    }
}
