import Foundation
import Media
import Testing
import Job
import Runner
@testable import Worker

@Suite struct AttemptEnvironmentTests {
    @Test("the attempt's environment is an allowlist: locale, path, sanitizer settings pass; secrets and queue URLs do not")
    func allowlist() {
        let parent = [
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC", "ASAN_OPTIONS": "log_path=/tmp/a",
            "SWIFT_BACKTRACE": "enable=no", "MEDIAWORKER_FFMPEG_LOG": "info",
            "MEDIAWORKER_HOOK_SECRET": "s", "MEDIAWORKER_OPERATOR_TOKEN": "t", "MEDIAWORKER_QUEUE": "postgres://u:p@h/d",
            "PGPASSWORD": "p", "PGHOST": "h", "HOME": "/root", "AWS_SECRET_ACCESS_KEY": "k", "DATABASE_URL": "postgres://u:p@h/d",
        ]
        let child = AttemptEnvironment.make(from: parent, jobID: "J1", attempt: 3)
        #expect(child == [
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC", "ASAN_OPTIONS": "log_path=/tmp/a",
            "SWIFT_BACKTRACE": "enable=no", "MEDIAWORKER_FFMPEG_LOG": "info",
            "MEDIAWORKER_JOB_ID": "J1", "MEDIAWORKER_ATTEMPT": "3",
        ])
        #expect(AttemptEnvironment.make(from: [:], jobID: "J", attempt: 1)["PATH"] != nil, "a PATH even when the worker has none")
    }

    @Test("the child's command carries the attempt's timeout as its input deadline")
    func deadlineFollowsTimeout() {
        let c = WorkerConfiguration(timeoutSeconds: 5 * 3600, inputRoot: "in", outputRoot: "out", jobsDirectory: "jobs",
                                    threadsPerAttempt: 2, childCommand: ["mw", "attempt"])
        let command = c.childCommand(outputDirectory: "out/J")
        #expect(command == ["mw", "attempt", "--output", "out/J", "--input-root", "in", "--jobs-dir", "jobs", "--threads", "2",
                            "--deadline-seconds", "18000.0"])
        #expect(WorkerConfiguration().timeoutSeconds >= 6 * 3600, "the default allows a job of several hours")
    }

    @Test("an input deadline is retried like a timeout; refusals are not")
    func deadlineIsRetryable() {
        #expect(AttemptFailure(MediaError.deadline("read input", seconds: 60, file: "x.mp4")).retryable)
        #expect(!AttemptFailure(MediaError.refused("open input", "demuxer not allowed", file: "x.txt")).retryable)
    }
}
