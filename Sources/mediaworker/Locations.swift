import Foundation
import Worker

/// The folders every command agrees on, so `serve`, `work` and `jobs` started apart with no flags cooperate:
/// a flag, else its environment variable, else one default.
///
/// | what | flag | environment | default |
/// |---|---|---|---|
/// | queue | `--queue` | `MEDIAWORKER_QUEUE` | `sqlite:var/queue.sqlite` (``QueueURL``) |
/// | inputs (uploads) | `--input-root` (`serve`: also `--upload-root`) | `MEDIAWORKER_INPUT_ROOT` | `var/uploads` |
/// | outputs | `--output-root` | `MEDIAWORKER_OUTPUT_ROOT` | `var/outputs` |
/// | templates | `--jobs-dir` | `MEDIAWORKER_JOBS_DIR` | `jobs/` of the install, else `./jobs` |
///
/// Relative paths are relative to the working directory, like any path on a command line.
enum Locations {
    static let inputRootVariable = "MEDIAWORKER_INPUT_ROOT"
    static let outputRootVariable = "MEDIAWORKER_OUTPUT_ROOT"
    static let jobsDirectoryVariable = "MEDIAWORKER_JOBS_DIR"
    static let defaultInputRoot = "var/uploads"
    static let defaultOutputRoot = "var/outputs"

    static func inputRoot(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        flag ?? nonEmpty(environment[inputRootVariable]) ?? defaultInputRoot
    }

    static func outputRoot(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        flag ?? nonEmpty(environment[outputRootVariable]) ?? defaultOutputRoot
    }

    /// The templates folder: the flag, the environment variable, then `jobs/` of the installation the binary
    /// belongs to (`<prefix>/share/mediaworker/jobs` or `<prefix>/jobs`, where the binary is `<prefix>/bin/…`
    /// or `<prefix>/…`), then `./jobs`. Found from any working directory once installed.
    static func jobsDirectory(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: String = WorkerConfiguration.currentExecutable()) -> String {
        if let flag { return flag }
        if let value = nonEmpty(environment[jobsDirectoryVariable]) { return value }
        for candidate in installedJobsDirectories(executable: executable) where isDirectory(candidate) {
            return candidate
        }
        return "jobs"
    }

    /// Where an installation keeps its templates, nearest first, for a binary at `executable`.
    static func installedJobsDirectories(executable: String) -> [String] {
        let binary = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        let folder = binary.deletingLastPathComponent()          // <prefix>/bin or <prefix>
        let prefix = folder.deletingLastPathComponent()
        return [
            folder.appendingPathComponent("jobs").path,
            prefix.appendingPathComponent("share/mediaworker/jobs").path,
            prefix.appendingPathComponent("jobs").path,
        ]
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
