import Foundation

/// Everything `mediaworker serve` is told: where it listens, its roots, its secrets and limits.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Uploaded files live here; hook inputs must resolve (symlinks included) inside it. Also the input root
    /// of the job specs the hook enqueues.
    public var uploadRoot: String
    /// The worker publishes the outputs of job `ID` in `<outputRoot>/<ID>/` with a `result.json`.
    public var outputRoot: String
    /// Job templates (`jobs/<name>.json`).
    public var jobsDirectory: String
    /// The template used for tusd and S3 uploads, and for our payload when it names none.
    public var defaultTemplate: String
    /// HMAC-SHA256 secrets for `Mediaworker-Signature`; any of them may sign (rotation).
    public var hookSecrets: [String]
    /// The operators' bearer token, also the dashboard's sign-in token.
    public var operatorToken: String
    /// Hook bodies larger than this are refused (413) while they are read, before any parsing.
    public var hookBodyLimit: Int
    /// A signature timestamp further than this from now is refused (401).
    public var signatureTolerance: TimeInterval
    /// Dashboard sessions last this long.
    public var sessionLifetime: TimeInterval
    /// Mark cookies `Secure` (set when the server is reached over HTTPS through a proxy).
    public var secureCookies: Bool
    /// Seconds between reloads of dashboard pages while jobs are queued or running.
    public var refreshSeconds: Int

    public static let environmentHookSecret = "MEDIAWORKER_HOOK_SECRET"
    public static let environmentOperatorToken = "MEDIAWORKER_OPERATOR_TOKEN"

    public init(
        host: String = "127.0.0.1", port: Int = 8080, uploadRoot: String, outputRoot: String,
        jobsDirectory: String = "jobs", defaultTemplate: String = "social", hookSecrets: [String],
        operatorToken: String, hookBodyLimit: Int = 1 << 20, signatureTolerance: TimeInterval = 300,
        sessionLifetime: TimeInterval = 12 * 3600, secureCookies: Bool = false, refreshSeconds: Int = 3
    ) {
        self.host = host
        self.port = port
        self.uploadRoot = uploadRoot
        self.outputRoot = outputRoot
        self.jobsDirectory = jobsDirectory
        self.defaultTemplate = defaultTemplate
        self.hookSecrets = hookSecrets
        self.operatorToken = operatorToken
        self.hookBodyLimit = hookBodyLimit
        self.signatureTolerance = signatureTolerance
        self.sessionLifetime = sessionLifetime
        self.secureCookies = secureCookies
        self.refreshSeconds = refreshSeconds
    }

    /// `MEDIAWORKER_HOOK_SECRET` split on commas (blank entries dropped).
    public static func hookSecrets(fromEnvironment environment: [String: String]) -> [String] {
        (environment[environmentHookSecret] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Refuses a configuration the server cannot run safely with.
    public func validate() throws {
        guard !hookSecrets.isEmpty else {
            throw ServerError.configuration("\(Self.environmentHookSecret) is empty: the upload hook would accept nothing")
        }
        if hookSecrets.contains(where: { $0.utf8.count < 16 }) {
            throw ServerError.configuration("every \(Self.environmentHookSecret) secret must have at least 16 bytes")
        }
        guard operatorToken.utf8.count >= 16 else {
            throw ServerError.configuration("\(Self.environmentOperatorToken) must have at least 16 bytes")
        }
        guard (1...65535).contains(port) || port == 0 else { throw ServerError.configuration("port \(port) is out of range") }
        for (name, path) in [("upload root", uploadRoot), ("output root", outputRoot), ("jobs directory", jobsDirectory)] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ServerError.configuration("the \(name) \(path) is not a directory")
            }
        }
    }
}
