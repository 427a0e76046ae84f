import Foundation
import Hook
import Hummingbird

/// `application/x-www-form-urlencoded` fields of a dashboard form (small: 16 KiB at most).
enum FormBody {
    static let limit = 16 << 10

    static func fields(_ request: Request) async throws -> [String: String] {
        let data: Data
        do {
            data = try await BodyReader.collect(request, limit: limit)
        } catch is HookError {
            throw HTTPError(.contentTooLarge, message: "the form exceeds \(limit) bytes")
        }
        return parse(String(decoding: data, as: UTF8.self))
    }

    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
