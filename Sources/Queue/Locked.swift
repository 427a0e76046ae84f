import Foundation

/// A value behind an `NSLock`. `@unchecked Sendable` is safe because every access to `value` goes through
/// `withLock`, which holds the lock for the whole closure. (`Synchronization.Mutex` needs macOS 15, and the
/// package still supports macOS 14.)
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
