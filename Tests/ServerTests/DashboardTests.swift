import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Queue
import Server
import Testing

/// `value` with its first character replaced by one it does not already have: a token or cookie that is
/// certainly wrong. (Prefixing a fixed digit was right only 15 times in 16: CI once drew a CSRF token that
/// already began with that digit, so the "wrong" token was the right one.)
func tampered(_ value: String) -> String {
    let replacement: Character = value.first == "0" ? "1" : "0"
    return String(replacement) + value.dropFirst()
}

/// A signed-in browser: the session cookie, and the CSRF token the pages carry.
struct Browser {
    var cookie: String
    var csrf: String

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func signIn(_ client: any TestClientProtocol) async throws -> Browser {
        let form = try await client.execute(uri: "/login", method: .get)
        let loginCookie = try #require(form.setCookies["mw_login"])
        let loginCSRF = try #require(csrf(in: form.text))
        let response = try await client.execute(
            uri: "/login", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "mw_login=\(loginCookie)"],
            body: ByteBuffer(string: "csrf=\(loginCSRF)&token=\(ServerHarness.token)"))
        #expect(response.status == .seeOther)
        let session = try #require(response.setCookies["mw_session"])
        let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: "mw_session=\(session)"])
        return Browser(cookie: "mw_session=\(session)", csrf: try #require(csrf(in: page.text)))
    }

    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie])
    }

    func post(_ client: any TestClientProtocol, _ uri: String, csrf: String? = nil) async throws -> TestResponse {
        let token = csrf ?? self.csrf
        return try await client.execute(
            uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: token.isEmpty ? "" : "csrf=\(token)"))
    }
}

@Suite("Dashboard")
struct DashboardTests {
    @Test("signed out: pages redirect to the sign-in form, outputs and actions are refused")
    func signedOut() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let id = try await JobFixture.make(harness.queue, key: "d", end: .dead)
            _ = try JobFixture.publishOutputs(harness, id: id)
            for uri in ["/", "/?state=dead", "/jobs/\(id)"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .seeOther, "\(uri)")
                #expect(response.headers[.location] == "/login")
            }
            #expect(try await client.execute(uri: "/jobs/\(id)/files/thumb-01.png", method: .get).status == .unauthorized)
            let forged = try await client.execute(
                uri: "/jobs/\(id)/retry", method: .post, headers: [.cookie: "mw_session=4102444800.00.00"])
            #expect(forged.status == .unauthorized)
            #expect(try await harness.queue.job(id)?.state == .dead)
        }
    }

    @Test("sign-in: a wrong token is refused; the right one sets an HttpOnly SameSite=Strict session cookie")
    func signIn() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let form = try await client.execute(uri: "/login", method: .get)
            #expect(form.status == .ok)
            #expect(form.text.contains(#"<form class="login" method="post" action="/login">"#))
            let loginCookie = try #require(form.setCookies["mw_login"])
            let csrf = try #require(Browser.csrf(in: form.text))
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: "mw_login=\(loginCookie)"]

            let noCSRF = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                  body: ByteBuffer(string: "token=\(ServerHarness.token)"))
            #expect(noCSRF.status == .forbidden)
            #expect(noCSRF.setCookies["mw_session"] == nil)
            let otherNonce = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "mw_login=0123"],
                body: ByteBuffer(string: "csrf=\(csrf)&token=\(ServerHarness.token)"))
            #expect(otherNonce.status == .forbidden)
            let wrong = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&token=nope"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.setCookies["mw_session"] == nil)

            let right = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&token=\(ServerHarness.token)"))
            #expect(right.status == .seeOther)
            #expect(right.headers[.location] == "/")
            let line = try #require(right.headers[values: .setCookie].first { $0.hasPrefix("mw_session=") })
            #expect(line.contains("HttpOnly"))
            #expect(line.contains("SameSite=Strict"))
            #expect(line.contains("Path=/"))
            let session = try #require(right.setCookies["mw_session"])
            #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: "mw_session=\(session)"]).status == .ok)
            // A tampered cookie is no session.
            let forged = tampered(session)
            #expect(forged != session)
            #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: "mw_session=\(forged)"]).status == .seeOther)
        }
    }

    @Test("the list shows counts per state and the jobs, filters by state, refreshes while work is pending")
    func index() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let dead = try await JobFixture.make(harness.queue, key: "d", end: .dead, error: "no <video> stream")
            let running = try await JobFixture.make(harness.queue, key: "r", end: .running)
            let done = try await JobFixture.make(harness.queue, key: "s", end: .succeeded)
            let browser = try await Browser.signIn(client)
            let page = try await browser.get(client, "/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
            for id in [dead, running, done] { #expect(page.text.contains(#"<tr data-job="\#(id)""#)) }
            #expect(page.text.contains(#"data-state="dead"><span class="n">1</span>dead"#))
            #expect(page.text.contains(#"data-state="running"><span class="n">1</span>running"#))
            #expect(page.text.contains(#"<span class="n">3</span>all"#))
            #expect(page.text.contains(#"<progress max="100" value="42">"#))
            #expect(page.text.contains("no &lt;video&gt; stream"))  // escaped
            #expect(!page.text.contains("no <video> stream"))
            #expect(page.text.contains(#"<meta http-equiv="refresh" content="3; url=/">"#))
            #expect(page.text.contains("Retry all failed (1)"))

            let filtered = try await browser.get(client, "/?state=dead")
            #expect(filtered.text.contains(#"<tr data-job="\#(dead)""#))
            #expect(!filtered.text.contains(#"<tr data-job="\#(done)""#))
            #expect(try await browser.get(client, "/?state=nonsense").status == .badRequest)
            #expect(!page.text.contains("Showing the newest"))

            // Past the list's length the page says it shows only the newest jobs.
            for index in 0..<200 { try await harness.queue.enqueue(spec: "{}", key: "bulk-\(index)") }
            let long = try await browser.get(client, "/")
            #expect(long.text.contains("Showing the newest 200 of 203 jobs."))
            #expect(long.text.components(separatedBy: "<tr data-job=").count == 201)
        }
    }

    @Test("the job page shows attempts, errors, log tail, thumbnails and contact sheet as images, output links")
    func jobPage() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let failed = try await JobFixture.make(harness.queue, key: "f", end: .dead, error: "encoder refused",
                                                   logTail: "frame 90: x264 error\nexit 1")
            let done = try await JobFixture.make(harness.queue, key: "s", end: .succeeded)
            let files = try JobFixture.publishOutputs(harness, id: done)
            let browser = try await Browser.signIn(client)

            let failedPage = try await browser.get(client, "/jobs/\(failed)")
            #expect(failedPage.status == .ok)
            #expect(failedPage.text.contains("encoder refused"))
            #expect(failedPage.text.contains("frame 90: x264 error\nexit 1"))
            #expect(failedPage.text.contains("test-worker"))
            #expect(failedPage.text.contains(#"action="/jobs/\#(failed)/retry""#))
            #expect(!failedPage.text.contains(#"action="/jobs/\#(failed)/cancel""#))

            let donePage = try await browser.get(client, "/jobs/\(done)")
            #expect(donePage.text.contains(#"<img src="/jobs/\#(done)/files/thumb-01.png" alt="thumb-01" width="16" height="9">"#))
            #expect(donePage.text.contains(#"<img src="/jobs/\#(done)/files/thumb-02.png""#))
            #expect(donePage.text.contains(#"<img class="sheet" src="/jobs/\#(done)/files/contact-sheet.png""#))
            #expect(donePage.text.contains(#"<a href="/jobs/\#(done)/files/story.mp4">story.mp4</a>"#))
            #expect(!donePage.text.contains(#"http-equiv="refresh""#))
            let created = try #require(try await harness.queue.job(done)).createdAt
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.timeZone = TimeZone(identifier: "UTC")
            format.dateFormat = "yyyy-MM-dd HH:mm:ss"
            #expect(donePage.text.contains("<dt>Created</dt><dd>\(format.string(from: created))</dd>"))
            let image = try await browser.get(client, "/jobs/\(done)/files/thumb-01.png")
            #expect(image.status == .ok)
            #expect(Data(image.body.readableBytesView) == files["thumb-01.png"])
            #expect(try await browser.get(client, "/jobs/\(done)/files/..%2Fresult.json").status == .notFound)
            #expect(try await browser.get(client, "/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV").status == .notFound)
        }
    }

    @Test("Retry, Cancel and Retry all failed need the form's CSRF token; with it they act and redirect back")
    func actions() async throws {
        let harness = try await ServerHarness.make()
        try await harness.withRouter { client in
            let dead = try await JobFixture.make(harness.queue, key: "d", end: .dead)
            let failed = try await JobFixture.make(harness.queue, key: "f", end: .failed)
            let queued = try await JobFixture.make(harness.queue, key: "q", end: .queued)
            let browser = try await Browser.signIn(client)

            #expect(tampered(browser.csrf) != browser.csrf && tampered("0f") == "1f" && tampered("9f") == "0f")
            for uri in ["/jobs/\(dead)/retry", "/jobs/\(queued)/cancel", "/jobs/retry-failed", "/logout"] {
                for token in ["", tampered(browser.csrf)] {
                    let refused = try await browser.post(client, uri, csrf: token)
                    #expect(refused.status == .forbidden, "\(uri) with '\(token)'")
                }
            }
            #expect(try await harness.queue.job(dead)?.state == .dead)
            #expect(try await harness.queue.job(queued)?.state == .queued)

            let retried = try await browser.post(client, "/jobs/\(dead)/retry")
            #expect(retried.status == .seeOther)
            #expect(retried.headers[.location] == "/jobs/\(dead)?done=retried&job=\(dead)")
            #expect(try await harness.queue.job(dead)?.state == .queued)
            let notice = try await browser.get(client, try #require(retried.headers[.location]))
            #expect(notice.text.contains(#"<p class="notice" role="status">Job \#(dead) is queued again.</p>"#))
            // Only codes travel in the URL: a crafted link cannot put its own words on the page.
            for crafted in ["/?notice=Call+this+number", "/?done=retried&job=Call+this+number", "/?done=phish"] {
                #expect(!(try await browser.get(client, crafted).text.contains(#"class="notice""#)), "\(crafted)")
            }

            let cancelled = try await browser.post(client, "/jobs/\(queued)/cancel")
            #expect(cancelled.status == .seeOther)
            #expect(try await harness.queue.job(queued)?.state == .cancelled)
            // The queue refuses retrying a queued job: the page says why, with the queue's status.
            let refused = try await browser.post(client, "/jobs/\(dead)/retry")
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("cannot retry a queued job"))

            let all = try await browser.post(client, "/jobs/retry-failed")
            #expect(all.status == .seeOther)
            #expect(try await harness.queue.job(failed)?.state == .queued)

            let out = try await browser.post(client, "/logout")
            #expect(out.status == .seeOther)
            #expect(out.setCookies["mw_session"] == "")
        }
    }
}
