import Foundation
@testable import Pipeline
import Testing

/// The frame core waits for its threads by polling `ThreadGroup.finished` while it reports progress; that wait
/// must end even when threads cannot start (under a tight memory limit, pthread_create fails).
struct ThreadGroupTests {
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.lock(); value = true; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    }

    @Test("threads that run: finished once they return, join gives the first error")
    func runs() throws {
        let cancelled = Flag()
        let group = ThreadGroup(onError: { cancelled.set() })
        let release = DispatchSemaphore(value: 0)
        group.spawn("t-wait") { release.wait() }
        group.spawn("t-fail") { throw PipelineError.internalFailure("boom") }
        #expect(!group.finished)
        release.signal()
        let deadline = Date().addingTimeInterval(10)
        while !group.finished, Date() < deadline { usleep(1000) }
        #expect(group.finished)
        #expect(cancelled.isSet)
        #expect(throws: PipelineError.self) { try group.join() }
    }

    @Test("a thread that cannot start (an impossible stack) counts as finished, and the failure is the group's error")
    func cannotStart() {
        let cancelled = Flag()
        let group = ThreadGroup(stackSize: 1 << 46, onError: { cancelled.set() })
        let ran = Flag()
        group.spawn("t-huge") { ran.set() }
        #expect(group.finished)
        #expect(cancelled.isSet)
        #expect(!ran.isSet)
        do {
            try group.join()
            Issue.record("join did not throw")
        } catch {
            #expect("\(error)".contains("cannot start thread t-huge"), "\(error)")
        }
    }
}
