import CProcess
import Foundation

/// How a worker claims and runs jobs.
public struct WorkerConfiguration: Sendable {
    /// Names this worker in attempt rows and logs (`host:pid` by default).
    public var workerID: String
    /// Attempts run at once (child processes).
    public var concurrency: Int
    /// Exit once no job is runnable and no attempt runs (a job whose lease expired counts as runnable).
    public var drain: Bool
    /// Lease length; heartbeats renew it every `heartbeatSeconds`.
    public var leaseSeconds: Double
    /// Default: a third of the lease, at most 5 s (heartbeats also carry the progress operators see).
    public var heartbeatSeconds: Double?
    /// Kill an attempt whose progress has not moved for this long.
    public var stallSeconds: Double
    /// Kill an attempt that runs longer than this (wall clock).
    public var timeoutSeconds: Double
    /// On SIGTERM/SIGINT, running attempts get this long to finish before they are stopped and their leases released.
    public var graceSeconds: Double
    /// Address-space limit of each attempt (RLIMIT_AS), bytes; 0: none. Not applied by a sanitized build
    /// (see ``appliedMemoryLimitBytes``).
    public var memoryLimitBytes: Int64
    /// Folders the attempt resolves inputs and templates in, and where job ID's outputs go (`<outputRoot>/<ID>/`).
    public var inputRoot: String
    public var outputRoot: String
    public var jobsDirectory: String
    /// Threads per attempt (0: all cores).
    public var threadsPerAttempt: Int
    /// How long an idle worker waits for a wake-up before it polls the queue again.
    public var pollSeconds: Double
    /// The child: an executable and its leading arguments (default: this binary with `attempt`).
    /// The worker appends `--output DIR --input-root DIR --jobs-dir DIR --threads N --deadline-seconds S` and
    /// writes the spec to its stdin.
    public var childCommand: [String]
    /// Bytes of the child's stderr kept as the attempt's log tail.
    public var logTailBytes: Int

    public init(
        workerID: String = WorkerConfiguration.defaultWorkerID(), concurrency: Int = 1, drain: Bool = false,
        leaseSeconds: Double = 60, heartbeatSeconds: Double? = nil, stallSeconds: Double = 120,
        timeoutSeconds: Double = WorkerConfiguration.defaultTimeoutSeconds, graceSeconds: Double = 30, memoryLimitBytes: Int64 = 8 << 30,
        inputRoot: String = "var/uploads", outputRoot: String = "var/outputs", jobsDirectory: String = "jobs",
        threadsPerAttempt: Int = 0, pollSeconds: Double = 2,
        childCommand: [String] = [WorkerConfiguration.currentExecutable(), "attempt"], logTailBytes: Int = 8192
    ) {
        self.workerID = workerID
        self.concurrency = concurrency
        self.drain = drain
        self.leaseSeconds = leaseSeconds
        self.heartbeatSeconds = heartbeatSeconds
        self.stallSeconds = stallSeconds
        self.timeoutSeconds = timeoutSeconds
        self.graceSeconds = graceSeconds
        self.memoryLimitBytes = memoryLimitBytes
        self.inputRoot = inputRoot
        self.outputRoot = outputRoot
        self.jobsDirectory = jobsDirectory
        self.threadsPerAttempt = threadsPerAttempt
        self.pollSeconds = pollSeconds
        self.childCommand = childCommand
        self.logTailBytes = logTailBytes
    }

    /// An attempt's wall-clock limit unless configured: 12 hours, so a campaign-length video (or a
    /// several-hour recording) with every rendition can finish on a small machine. A hung attempt does not wait
    /// for it: the stall timeout (no progress for `stallSeconds`) kills it long before.
    public static let defaultTimeoutSeconds: Double = 12 * 3600

    /// The sanitizer this binary was built with (`address`, `thread`; `swift build --sanitize=…`), or nil.
    public static let sanitizer: String? = mw_sanitizer().map { String(cString: $0) }

    /// The address-space limit the attempts get: `memoryLimitBytes`, except in a sanitized build, where it
    /// is none. The attempt is this same binary, and a sanitizer reserves terabytes of address space for its
    /// shadow memory as the process starts: under any useful RLIMIT_AS every attempt would die before `main`
    /// ("ReserveShadowMemoryRange failed … Perhaps you're using ulimit -v"). The worker says so when it starts.
    var appliedMemoryLimitBytes: Int64 { Self.sanitizer == nil ? memoryLimitBytes : 0 }

    /// The child's whole command line for one attempt. Its input deadline (every blocking FFmpeg call is
    /// interrupted past it) is the attempt's timeout: the same limit, seen from inside the child, so a job
    /// may run as long as `timeoutSeconds` allows and no longer (a job spec cannot raise it).
    public func childCommand(outputDirectory: String) -> [String] {
        childCommand + [
            "--output", outputDirectory, "--input-root", inputRoot, "--jobs-dir", jobsDirectory,
            "--threads", String(threadsPerAttempt), "--deadline-seconds", String(timeoutSeconds),
        ]
    }

    var heartbeatInterval: Double { heartbeatSeconds ?? min(5, max(0.2, leaseSeconds / 3)) }

    /// Checks the numbers; throws a message naming the option.
    public func validate() throws {
        func require(_ ok: Bool, _ text: String) throws { if !ok { throw WorkerError.invalidConfiguration(text) } }
        try require(concurrency >= 1, "concurrency must be at least 1")
        try require(leaseSeconds > 0, "lease must be positive")
        try require(heartbeatInterval < leaseSeconds, "heartbeat interval must be shorter than the lease")
        try require(stallSeconds > 0, "stall timeout must be positive")
        try require(timeoutSeconds > 0, "timeout must be positive")
        try require(graceSeconds >= 0, "grace period must not be negative")
        try require(memoryLimitBytes >= 0, "memory limit must not be negative")
        try require(!childCommand.isEmpty, "child command must not be empty")
    }

    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// This process's executable (the child runs the same binary).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// Errors of the worker itself (the jobs' errors are recorded in the queue, not thrown).
public struct WorkerError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable {
        case invalidConfiguration(String)
        case spawn(String)
    }
    private let kind: Kind

    public var description: String {
        switch kind {
        case .invalidConfiguration(let text): return "invalid worker configuration: \(text)"
        case .spawn(let text): return "cannot start the attempt: \(text)"
        }
    }

    static func invalidConfiguration(_ text: String) -> WorkerError { .init(kind: .invalidConfiguration(text)) }
    static func spawn(_ text: String) -> WorkerError { .init(kind: .spawn(text)) }
}
