import Hummingbird
@testable import Server
import Testing

/// The dashboard's forms, decoded by Hummingbird's URLEncodedFormDecoder.
@Suite struct FormBodyTests {
    @Test("percent-escapes and + are decoded; unknown fields are ignored; missing ones are nil")
    func decodes() throws {
        let form = try FormBody.parse("csrf=a%2Fb%3D%3D&token=op+token%21&extra=1")
        #expect(form.csrf == "a/b==")
        #expect(form.token == "op token!")
        let empty = try FormBody.parse("")
        #expect(empty.csrf == nil && empty.token == nil)
    }

    @Test("a field sent twice or as a nested key is a 400, not a guess")
    func refuses() {
        for body in ["csrf=a&csrf=b", "csrf[x]=a"] {
            #expect(throws: HTTPError.self, "\(body)") { try FormBody.parse(body) }
            do { _ = try FormBody.parse(body) } catch let error as HTTPError { #expect(error.status == .badRequest) } catch {}
        }
    }
}
