import Foundation
import HTTPTypes
import Hook
import Hummingbird
import Queue

/// The operators' web pages: server-rendered, usable without JavaScript. Sign-in sets an HttpOnly,
/// SameSite=Strict session cookie; every form carries a CSRF token.
struct Dashboard: Sendable {
    let queue: any JobQueue
    let outputs: JobOutputs
    /// The sign-in form is checked against it (constant time).
    let operatorToken: String
    let session: DashboardSession
    let templates: DashboardTemplates
    let refreshSeconds: Int
    let secureCookies: Bool
    let now: @Sendable () -> Date

    static let listLimit = 200

    func register(on router: Router<some RequestContext>) {
        router.get("/login") { request, _ in loginPage(request, failed: false) }
        router.post("/login") { request, _ in try await login(request) }
        router.post("/logout") { request, _ in
            try await form(request) { _ in
                var response = redirect("/login")
                response.setCookie(expired(DashboardSession.cookieName))
                return response
            }
        }
        router.get("/") { request, _ in
            guard let current = signedIn(request) else { return redirect("/login") }
            return try await index(request, current)
        }
        router.get("/jobs/:id") { request, context in
            guard let current = signedIn(request) else { return redirect("/login") }
            return try await jobPage(request, try context.parameters.require("id"), current)
        }
        router.get("/jobs/:id/files/:name") { request, context in
            guard signedIn(request) != nil else { return errorPage(.unauthorized, "Sign in to see outputs.", current: nil) }
            let id = try context.parameters.require("id")
            guard try await queueCall({ try await queue.job(id) }) != nil else {
                return errorPage(.notFound, "No job \(id).", current: nil)
            }
            return try await outputs.response(id: id, name: try context.parameters.require("name"), context: context)
        }
        router.post("/jobs/:id/retry") { request, context in
            let id = try context.parameters.require("id")
            return try await form(request) { _ in
                try await action(back: request.uri.queryParameters["back"] == "list" ? "/" : "/jobs/\(id)") {
                    let job = try await queue.retry(id)
                    return .retried(job: job.id)
                }
            }
        }
        router.post("/jobs/:id/cancel") { request, context in
            let id = try context.parameters.require("id")
            return try await form(request) { _ in
                try await action(back: "/jobs/\(id)") {
                    let job = try await queue.cancel(id)
                    return job.state == .cancelled ? .cancelled(job: job.id) : .cancelRequested(job: job.id)
                }
            }
        }
        router.post("/jobs/retry-failed") { request, _ in
            try await form(request) { _ in
                try await action(back: "/") {
                    let failed = try await queue.retryAll(state: .failed, dryRun: false)
                    let dead = try await queue.retryAll(state: .dead, dryRun: false)
                    return .retriedAll(count: failed + dead)
                }
            }
        }
    }

    // MARK: sessions and forms

    func signedIn(_ request: Request) -> DashboardSession.Session? {
        session.validate(request.cookies[DashboardSession.cookieName]?.value, now: now())
    }

    /// A state-changing form: signed in, CSRF token right, then `body`.
    func form(_ request: Request, _ body: (DashboardForm) async throws -> Response) async throws -> Response {
        guard let current = signedIn(request) else { return errorPage(.unauthorized, "Sign in first.", current: nil, back: "/login") }
        let fields = try await FormBody.fields(request)
        guard session.checkCSRF(fields.csrf, for: current) else {
            return errorPage(.forbidden, "The form's CSRF token is missing or wrong: reload the page and try again.", current: current)
        }
        return try await body(fields)
    }

    /// Runs an operator action and redirects back with its message, or shows why the queue refused it.
    func action(back: String, _ body: () async throws -> DashboardNotice) async throws -> Response {
        do {
            let notice = try await body()
            return redirect(back + (back.contains("?") ? "&" : "?") + notice.query)
        } catch let error as QueueError {
            let http = error.httpError
            return errorPage(http.status, error.message, current: nil, back: back)
        }
    }

    func loginPage(_ request: Request, failed: Bool) -> Response {
        let nonce = session.newLoginNonce()
        var response = html(
            templates.render("login", LoginPage(chrome: Chrome(title: "Sign in"), failed: failed, loginCSRF: session.loginCSRF(nonce: nonce))),
            status: failed ? .unauthorized : .ok)
        response.setCookie(cookie(DashboardSession.loginCookieName, nonce, maxAge: 3600, path: "/login"))
        return response
    }

    func login(_ request: Request) async throws -> Response {
        let fields = try await FormBody.fields(request)
        guard session.checkLoginCSRF(fields.csrf, nonce: request.cookies[DashboardSession.loginCookieName]?.value) else {
            return errorPage(.forbidden, "The sign-in form's CSRF token is missing or wrong: reload it and try again.",
                             current: nil, back: "/login")
        }
        guard let token = fields.token, ConstantTime.equal(token, operatorToken) else {
            return loginPage(request, failed: true)
        }
        var response = redirect("/")
        response.setCookie(cookie(DashboardSession.cookieName, session.issue(now: now()), maxAge: Int(session.lifetime), path: "/"))
        response.setCookie(expired(DashboardSession.loginCookieName, path: "/login"))
        return response
    }

    // MARK: responses

    func cookie(_ name: String, _ value: String, maxAge: Int, path: String) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    func expired(_ name: String, path: String = "/") -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: path, secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("Content-Security-Policy")!:
                    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func errorPage(_ status: HTTPResponse.Status, _ message: String, current: DashboardSession.Session?, back: String = "/") -> Response {
        let page = ErrorPage(chrome: chrome(title: "\(status.code) \(status.reasonPhrase)", current: current), message: message, back: back)
        return html(templates.render("error", page), status: status)
    }

    /// What the header partial needs.
    func chrome(title: String, current: DashboardSession.Session?, notice: DashboardNotice? = nil) -> Chrome {
        Chrome(title: title, signedIn: current != nil, csrf: current.map { session.csrfToken(for: $0) }, notice: notice?.text)
    }
}
