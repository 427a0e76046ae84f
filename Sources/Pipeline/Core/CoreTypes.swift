import Job
import Media

/// Options of a frame-core run.
public struct CoreOptions: Sendable {
    /// Threads for the whole job; 0 means all cores.
    public var threads: Int
    public var policy: InputPolicy
    public var cancel: CancellationToken
    public var progressInterval: Double
    /// x264 threads per encoder; nil derives them from `threads` (see `FrameCore.encoderThreads`).
    public var encoderThreads: Int?
    /// Deinterlace interlaced sources (see `Deinterlacer`); off leaves every frame as decoded.
    public var deinterlace = true

    public init(threads: Int = 0, policy: InputPolicy = .default, cancel: CancellationToken = CancellationToken(),
                progressInterval: Double = 0.5) {
        self.threads = threads
        self.policy = policy
        self.cancel = cancel
        self.progressInterval = progressInterval
    }

    package var resolvedThreads: Int {
        threads > 0 ? threads : max(1, sysconfCPUs())
    }
}

/// What a frame-core run produced.
public struct CoreReport: Sendable {
    public struct Rendition: Sendable {
        public var name: String
        public var path: String
        public var width: Int
        public var height: Int
        public var frames: Int64
        public var frameRate: Rational
        public var duration: Double
    }
    public var renditions: [Rendition]
    public var hasAudio: Bool
    public var sourceDuration: Double?
    /// What the source thread found about interlacing: `progressive`, `interlaced (flags)`,
    /// `interlaced (combing, tff|bff)`; nil when deinterlacing was off.
    public var scan: String? = nil
    /// CPU seconds per stage (threads' CPU clocks), and wall seconds for the run.
    public var timings: [String: Double]
}

func sysconfCPUs() -> Int {
    #if canImport(Glibc)
    return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
    return 2
    #endif
}

#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds used by the calling thread.
func threadCPUSeconds() -> Double { cpuSeconds(CLOCK_THREAD_CPUTIME_ID) }

/// CPU seconds used by the whole process (every thread, the libraries' own included).
func processCPUSeconds() -> Double { cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) }

private func cpuSeconds(_ clock: clockid_t) -> Double {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
