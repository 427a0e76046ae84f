import Foundation
import Hook
import Hummingbird

/// The fields the dashboard's forms send (`application/x-www-form-urlencoded`): every form carries `csrf`, the
/// sign-in form also `token`. Other fields are ignored.
struct DashboardForm: Decodable, Sendable {
    var csrf: String?
    var token: String?
}

/// Reads a dashboard form (small: 16 KiB at most) and decodes it with Hummingbird's `URLEncodedFormDecoder`.
enum FormBody {
    static let limit = 16 << 10

    static func fields(_ request: Request) async throws -> DashboardForm {
        let data: Data
        do {
            data = try await BodyReader.collect(request, limit: limit)
        } catch is HookError {
            throw HTTPError(.contentTooLarge, message: "the form exceeds \(limit) bytes")
        }
        return try parse(String(decoding: data, as: UTF8.self))
    }

    /// A body that is not a form of single-valued text fields (a field sent twice, `csrf[a]=…`) is a 400.
    static func parse(_ text: String) throws -> DashboardForm {
        do {
            return try URLEncodedFormDecoder().decode(DashboardForm.self, from: text)
        } catch {
            throw HTTPError(.badRequest, message: "the form could not be read: \(error)")
        }
    }
}
