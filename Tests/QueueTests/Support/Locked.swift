import Synchronization

/// A shared, lockable value for the tests' closures and fakes (a `Mutex` in a class, so escaping closures
/// can hold it by reference).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { value in try body(&value) }
    }
}
