import Foundation

/// The target a fuzz library runs, from `MEDIAWORKER_FUZZ_TARGET` (what `fuzz/run.sh` sets): one of the
/// library's own, or the first when unset; any other name ends the process with a message (status 2).
public func chosenFuzzTarget<Target: RawRepresentable & CaseIterable>(_: Target.Type) -> Target where Target.RawValue == String {
    let all = Target.allCases.map(\.rawValue)
    let name = ProcessInfo.processInfo.environment["MEDIAWORKER_FUZZ_TARGET"] ?? all[0]
    guard let chosen = Target(rawValue: name) else {
        FileHandle.standardError.write(Data("unknown MEDIAWORKER_FUZZ_TARGET \(name) for this library: \(all.joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return chosen
}
