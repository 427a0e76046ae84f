import Foundation
import Testing
@testable import Worker
import enum Worker.ExitStatus

/// An attempt that reached `--memory-limit-mb` fails with a library's words, not ours: the worker names the limit.
struct MemoryLimitNoteTests {
    let limit: Int64 = 400 << 20
    let note = "may have reached its memory limit: 400 MiB"

    @Test("allocation failures and a loader failure get the limit named")
    func noted() {
        let cases: [(String, ExitStatus?, String?)] = [
            ("encode video (libx264) failed: Generic error in an external library", nil, nil),
            ("internal failure: cannot start thread mw-process-1: out of memory or threads", nil, nil),
            ("decode video failed: Cannot allocate memory", nil, nil),
            ("crashed: exit status 127 without a result", .exited(127), "error while loading shared libraries"),
            ("crashed: signal 5 (SIGTRAP)", .signalled(SIGTRAP, coreDumped: false), "fatal error: Could not allocate memory."),
            ("crashed: exit status 1 without a result", .exited(1), "fatal error: failed to allocate memory"),
        ]
        for (error, exit, tail) in cases {
            let text = AttemptRunner.notingMemoryLimit(error, exit: exit, logTail: tail, limitBytes: limit)
            #expect(text.hasPrefix(error) && text.contains(note), "\(text)")
        }
    }

    @Test("bare crashes, other failures, or no limit: left as they are")
    func notNoted() {
        let damaged = "decode video failed: damaged h264 data (Invalid data found when processing input)"
        #expect(AttemptRunner.notingMemoryLimit(damaged, exit: nil, logTail: "progress 40%", limitBytes: limit) == damaged)
        let timeout = "crashed: exit status 3 without a result"
        #expect(AttemptRunner.notingMemoryLimit(timeout, exit: .exited(3), logTail: nil, limitBytes: limit) == timeout)
        let abort = "crashed: signal 6 (SIGABRT)"
        #expect(AttemptRunner.notingMemoryLimit(abort, exit: .signalled(SIGABRT, coreDumped: false), logTail: nil, limitBytes: limit) == abort)
        let segv = "crashed: signal 11 (SIGSEGV)"
        #expect(AttemptRunner.notingMemoryLimit(segv, exit: .signalled(SIGSEGV, coreDumped: true), logTail: "frame 12", limitBytes: limit) == segv)
        let loader = "crashed: exit status 127 without a result"
        #expect(AttemptRunner.notingMemoryLimit(loader, exit: .exited(127), logTail: nil, limitBytes: 0) == loader)
    }
}
