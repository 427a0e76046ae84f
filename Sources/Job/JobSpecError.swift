/// A job spec that cannot run as written: the field it names (`renditions[1].crf`, `input`, `template`) and
/// why. The same spec fails the same way every time, so a job that has one is never retried.
public struct JobSpecError: Error, CustomStringConvertible, Sendable, Equatable {
    public var field: String
    public var reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
