import Crypto
import Foundation

/// `Mediaworker-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]` where each v1 is
/// HMAC-SHA256(secret, "<t>.<raw body>"). Any v1 may match any configured secret (rotation: the sender signs
/// with the old and the new secret while both are configured). Comparisons are constant time.
public struct HookSignature: Sendable {
    public static let headerName = "Mediaworker-Signature"

    /// The secrets' bytes (swift-crypto's `SymmetricKey` is not `Sendable`: keys are made per check).
    let secrets: [Data]
    let tolerance: TimeInterval

    public init(secrets: [String], tolerance: TimeInterval = 300) {
        self.secrets = secrets.map { Data($0.utf8) }
        self.tolerance = tolerance
    }

    /// Checks `header` against `body` at `now`; throws ``HookError`` (401) when unsigned, malformed, badly signed
    /// or stale.
    public func verify(header: String?, body: some DataProtocol, now: Date = Date()) throws {
        guard let header, !header.isEmpty else { throw HookError.unsigned }
        let parsed = try Self.parse(header)
        guard abs(now.timeIntervalSince1970 - Double(parsed.timestamp)) <= tolerance else {
            throw HookError.stale(parsed.timestamp, now: now)
        }
        var message = Data("\(parsed.timestamp).".utf8)
        message.append(contentsOf: body)
        var matched = false
        // Every pair is checked (no early exit), each comparison in constant time.
        for secret in secrets {
            let key = SymmetricKey(data: secret)
            for signature in parsed.signatures {
                if HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: message, using: key) {
                    matched = true
                }
            }
        }
        guard matched else { throw HookError.badSignature }
    }

    /// The header value for `body` at `timestamp`, signed with every secret (what a sender does).
    public static func sign(body: some DataProtocol, secrets: [String], timestamp: Int) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let parts = secrets.map { secret in
            let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
            return "v1=" + Data(mac).map { String(format: "%02x", $0) }.joined()
        }
        return (["t=\(timestamp)"] + parts).joined(separator: ",")
    }

    struct Parsed {
        var timestamp: Int
        var signatures: [Data]
    }

    static func parse(_ header: String) throws -> Parsed {
        var timestamp: Int?
        var signatures: [Data] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw HookError.malformedSignature("'\(part)' is not key=value") }
            switch pair[0] {
            case "t":
                guard timestamp == nil, let t = Int(pair[1]) else { throw HookError.malformedSignature("t must be one integer") }
                timestamp = t
            case "v1":
                // Only SHA-256-sized values; anything else cannot match and is refused up front.
                guard pair[1].utf8.count == 64, let bytes = hexBytes(pair[1]) else {
                    throw HookError.malformedSignature("v1 must be 64 hex digits")
                }
                signatures.append(bytes)
            default:
                continue  // other schemes (v0, future versions) are ignored, as Stripe does
            }
        }
        guard let timestamp else { throw HookError.malformedSignature("no t=") }
        guard !signatures.isEmpty else { throw HookError.malformedSignature("no v1=") }
        guard signatures.count <= 8 else { throw HookError.malformedSignature("more than 8 v1 values") }
        return Parsed(timestamp: timestamp, signatures: signatures)
    }

    package static func hexBytes(_ text: Substring) -> Data? {
        var bytes = Data(capacity: text.utf8.count / 2)
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? bytes : nil
    }
}
