// libFuzzer entry points of the job targets (`jobspec`, `hook`): this library links the Job and Hook targets
// only — no FFmpeg, no libpng. `fuzz/run.sh` picks the library by target and the target with
// MEDIAWORKER_FUZZ_TARGET.
import Foundation
import FuzzSupport
import Hook
import Job

private enum Target: String, CaseIterable {
    case jobspec, hook
}

nonisolated(unsafe) private var target = Target.jobspec

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    target = chosenFuzzTarget(Target.self)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    switch target {
    case .jobspec: fuzzJobSpec(bytes)
    case .hook: fuzzHook(bytes)
    }
    return 0
}

/// Arbitrary bytes as a job spec: parse, apply templates, validate, resolve paths inside a root.
private func fuzzJobSpec(_ bytes: UnsafeBufferPointer<UInt8>) {
    let root = NSTemporaryDirectory()
    _ = try? JobSpecLoader(jobsDirectory: FuzzPaths.jobs, inputRoot: root).load(data: Data(buffer: bytes))
}

/// The upload hook's delivery check and parse. The first byte chooses how the signature header is made, the
/// bytes up to the first newline are a header line, the rest is the body:
///
/// - `mode 0`: the header line is the `Mediaworker-Signature` header as sent;
/// - `mode 1`: the body is signed correctly (with the first, the second or both secrets, at an offset from now
///   the selector byte picks), and the check must pass — or say `stale` exactly when the offset is beyond the
///   tolerance;
/// - `mode 2`: as 1, but the body is changed after signing: the check must say `bad signature` (or `stale`);
/// - `mode 3`: a header line that is an integer is the signing time (any `Int`: the check must pass, or say
///   `stale` exactly when it is beyond the tolerance); any other line is appended, after a comma, to a correct
///   signature (junk, extra or repeated fields).
///
/// Then the body is parsed as a hook payload (whatever the signature check said: parsing is the larger attack
/// surface). Both may only throw ``HookError``; anything else — or a broken mode 1/2 expectation — is a
/// finding (the process traps, libFuzzer saves the input).
private func fuzzHook(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let selector = bytes.first else { return }
    let rest = bytes.dropFirst()
    let newline = rest.firstIndex(of: UInt8(ascii: "\n"))
    let line = String(decoding: rest[..<(newline ?? rest.endIndex)], as: UTF8.self)
    let body = newline.map { Data(rest[($0 + 1)...]) } ?? Data()

    let secrets = HookFuzz.secrets
    let verifier = HookSignature(secrets: secrets, tolerance: HookFuzz.tolerance)
    let now = Int(HookFuzz.now.timeIntervalSince1970)
    // Bits 2…7: the signing time, -320 … +310 s from now in steps of 10 s (both sides of the 300 s tolerance).
    let offset = (Int(selector >> 2) - 32) * 10
    let signers: [String] = switch (selector >> 2) % 3 {
    case 0: [secrets[0]]
    case 1: [secrets[1]]
    default: ["a-retired-secret-not-configured", secrets[1]]
    }
    let signed = HookSignature.sign(body: body, secrets: signers, timestamp: now + offset)
    let stale = Double(abs(offset)) > HookFuzz.tolerance

    switch selector % 4 {
    case 0:
        check(header: line, body: body, verifier: verifier, expect: .anyOutcome)
    case 1:
        check(header: signed, body: body, verifier: verifier, expect: stale ? .failure(.stale) : .success)
    case 2:
        var tampered = body
        if tampered.isEmpty { tampered.append(0x20) } else { tampered[tampered.startIndex] ^= 0x01 }
        check(header: signed, body: tampered, verifier: verifier, expect: .failure(stale ? .stale : .badSignature))
    default:
        if let timestamp = Int(line) {
            // The line is a signing time (any Int): must pass, or be stale exactly when it is beyond the tolerance.
            let header = HookSignature.sign(body: body, secrets: signers, timestamp: timestamp)
            let within = abs(HookFuzz.now.timeIntervalSince1970 - Double(timestamp)) <= HookFuzz.tolerance
            check(header: header, body: body, verifier: verifier, expect: within ? .success : .failure(.stale))
        } else {
            check(header: signed + "," + line, body: body, verifier: verifier, expect: .anyOutcome)
        }
    }

    do {
        switch try HookPayload.parse(body, defaultTemplate: "social") {
        case .ignored: break
        case .uploads(let notices):
            // A payload that asks for uploads names at least one, each with a path and an idempotency key.
            guard !notices.isEmpty, notices.allSatisfy({ !$0.path.isEmpty && !$0.key.isEmpty }) else {
                fatalError("hook payload parsed to an empty upload notice: \(notices)")
            }
        }
    } catch is HookError {
    } catch {
        fatalError("HookPayload.parse threw a non-HookError: \(error)")
    }
}

private enum Expectation: Equatable {
    case anyOutcome, success, failure(HookError.Code)
}

/// Verifies at the fixed time; traps on a non-``HookError`` or on an outcome other than `expect`.
private func check(header: String, body: Data, verifier: HookSignature, expect: Expectation) {
    let outcome: Expectation
    do {
        try verifier.verify(header: header, body: body, now: HookFuzz.now)
        outcome = .success
    } catch let error as HookError {
        outcome = .failure(error.code)
    } catch {
        fatalError("HookSignature.verify threw a non-HookError: \(error)")
    }
    if expect != .anyOutcome, expect != outcome {
        fatalError("HookSignature.verify: expected \(expect), got \(outcome) for header \(header)")
    }
}

private enum HookFuzz {
    static let secrets = ["fuzz-hook-secret-one-0123456789", "fuzz-hook-secret-two-9876543210"]
    static let tolerance: TimeInterval = 300
    /// A fixed clock (2027-01-15): runs are reproducible.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
}

private enum FuzzPaths {
    /// The repository's `jobs/` (templates), found from this file's path at build time.
    static let jobs: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("jobs").path
    }()
}
