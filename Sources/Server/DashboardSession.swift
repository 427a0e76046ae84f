import Crypto
import Foundation
import Hook

/// Dashboard sign-in without server-side state. A session cookie is `<expiry>.<nonce>.<mac>`, MAC'd with a key
/// derived (HKDF) from the operator token: changing the token signs everyone out, and every server sharing the
/// token accepts the cookie. Each session has its own CSRF token (a MAC of its nonce); the sign-in form has one
/// bound to a short-lived pre-session cookie (double submit).
struct DashboardSession: Sendable {
    static let cookieName = "mw_session"
    static let loginCookieName = "mw_login"

    /// The derived key's bytes (swift-crypto's `SymmetricKey` is not `Sendable`).
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    let lifetime: TimeInterval

    init(operatorToken: String, lifetime: TimeInterval) {
        keyBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Data(operatorToken.utf8)),
            info: Data("mediaworker dashboard session v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
        self.lifetime = lifetime
    }

    struct Session: Sendable {
        var nonce: String
        var expires: Date
    }

    /// A new session cookie value.
    func issue(now: Date) -> String {
        let expiry = Int(now.timeIntervalSince1970 + lifetime)
        let nonce = Self.randomHex()
        return "\(expiry).\(nonce).\(mac("session|\(expiry)|\(nonce)"))"
    }

    /// The session a cookie value stands for, when its MAC is right and it has not expired.
    func validate(_ value: String?, now: Date) -> Session? {
        guard let parts = value?.split(separator: "."), parts.count == 3, let expiry = Int(parts[0]),
            Double(expiry) > now.timeIntervalSince1970,
            verify(String(parts[2]), for: "session|\(expiry)|\(parts[1])")
        else { return nil }
        return Session(nonce: String(parts[1]), expires: Date(timeIntervalSince1970: Double(expiry)))
    }

    func csrfToken(for session: Session) -> String { mac("csrf|\(session.nonce)") }
    func checkCSRF(_ token: String?, for session: Session) -> Bool {
        guard let token else { return false }
        return verify(token, for: "csrf|\(session.nonce)")
    }

    /// The pre-session nonce for the sign-in form, and the form's CSRF token for it.
    func newLoginNonce() -> String { Self.randomHex() }
    func loginCSRF(nonce: String) -> String { mac("login|\(nonce)") }
    func checkLoginCSRF(_ token: String?, nonce: String?) -> Bool {
        guard let token, let nonce, !nonce.isEmpty else { return false }
        return verify(token, for: "login|\(nonce)")
    }

    private func mac(_ message: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// Constant time.
    private func verify(_ hex: String, for message: String) -> Bool {
        guard hex.utf8.count == 64, let bytes = HookSignature.hexBytes(Substring(hex)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Data(message.utf8), using: key)
    }

    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
