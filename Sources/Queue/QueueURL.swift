import Foundation

/// Where the queue lives: `sqlite:PATH` (default `sqlite:var/queue.sqlite`) or
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]` (also `postgresql://`).
public enum QueueURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresSettings)

    /// The environment variable the CLI reads.
    public static let environmentVariable = "MEDIAWORKER_QUEUE"
    public static let `default` = QueueURL.sqlite(path: SQLiteJobQueue.defaultPath)

    public struct PostgresSettings: Sendable, Hashable {
        public enum TLSMode: String, Sendable, Hashable {
            case disable, prefer, require
        }

        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        public var tls: TLSMode

        public init(
            host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
            tls: TLSMode = .disable
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
        }

        /// The same server, another database (tests create one per test).
        public func with(database: String) -> PostgresSettings {
            var copy = self
            copy.database = database
            return copy
        }
    }

    public init(parsing text: String) throws {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            // Accept `sqlite:///abs/path` and `sqlite://rel/path` too.
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw QueueError(.invalidURL, "'\(text)': the sqlite URL has no path") }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw QueueError(.invalidURL, "'\(Self.redacted(text))': expected sqlite:PATH or postgres://USER@HOST:PORT/DB")
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw QueueError(.invalidURL, "'\(Self.redacted(text))': not a URL with a host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw QueueError(.invalidURL, "'\(Self.redacted(text))': the postgres URL needs a user (postgres://USER@HOST/DB)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var tls = PostgresSettings.TLSMode.disable
        for item in components.queryItems ?? [] where item.name == "sslmode" {
            switch item.value ?? "" {
            case "disable", "allow": tls = .disable
            case "prefer": tls = .prefer
            case "require", "verify-ca", "verify-full": tls = .require
            default: throw QueueError(.invalidURL, "unknown sslmode '\(item.value ?? "")'")
            }
        }
        self = .postgres(
            PostgresSettings(
                host: host,
                port: components.port ?? 5432,
                username: user.removingPercentEncoding ?? user,
                password: components.password.map { $0.removingPercentEncoding ?? $0 },
                database: path.isEmpty ? user : (path.removingPercentEncoding ?? path),
                tls: tls))
    }

    /// `MEDIAWORKER_QUEUE`, or `default` when it is unset or empty.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, default fallback: QueueURL = .default
    ) throws -> QueueURL {
        guard let value = environment[environmentVariable], !value.isEmpty else { return fallback }
        return try QueueURL(parsing: value)
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path):
            return "sqlite:\(path)"
        case .postgres(let settings):
            let password = settings.password == nil ? "" : ":***"
            let sslmode = settings.tls == .disable ? "" : "?sslmode=\(settings.tls.rawValue)"
            return "postgres://\(settings.username)\(password)@\(settings.host):\(settings.port)/\(settings.database)\(sslmode)"
        }
    }

    private static func redacted(_ text: String) -> String {
        guard let at = text.firstIndex(of: "@"), let scheme = text.range(of: "://") else { return text }
        let userInfo = text[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
