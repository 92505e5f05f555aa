import HTTPTypes
import Hummingbird

/// Lets a request through only with the session cookie of this run's one
/// login; `/login` and `/static/` are open. Without it: 401 and a page that
/// says to open the link `poc ui` printed.
///
/// The cookie is named after the port as well (`poc_session_PORT`): a browser
/// keeps one cookie jar for 127.0.0.1 whatever the port, so two `poc ui` (two
/// homes) on one machine would otherwise overwrite each other's session. The
/// plain `poc_session`, which the login route sets, is still read. The value is
/// what matters: the one session's cookie, compared in constant time.
struct SessionGuard: RouterMiddleware {
    typealias Context = UIRequestContext
    static let cookieName = "poc_session"
    let state: UIState

    /// The session cookie's name on `port`.
    static func cookieName(port: Int) -> String { "\(cookieName)_\(port)" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/login" {
            let response = try await portCookie(added: try await next(request, context))
            return request.headers[.secFetchSite] == "cross-site" ? bounce(response, context) : response
        }
        if path.hasPrefix("/static/") { return try await next(request, context) }
        var names = [Self.cookieName]
        if let port = state.boundPort { names.insert(Self.cookieName(port: port), at: 0) }
        var found: UISession?
        for name in names {
            guard let cookie = request.cookies[name]?.value else { continue }
            if let session = await state.sessions.session(cookie: cookie) {
                found = session
                break
            }
        }
        guard let session = found else { return loginNeeded(state: state, language: context.language, path: path) }
        var context = context
        context.session = session
        return try await next(request, context)
    }

    /// The login's answer with the session cookie under this port's name too
    /// (HttpOnly, SameSite=Strict, Path=/, as the login sets the plain one).
    private func portCookie(added response: Response) async throws -> Response {
        guard let port = state.boundPort else { return response }
        let prefix = "\(Self.cookieName)="
        guard let line = response.headers[values: .setCookie].first(where: { $0.hasPrefix(prefix) }) else { return response }
        let value = line.dropFirst(prefix.count).prefix { $0 != ";" }
        guard await state.sessions.session(cookie: value) != nil else { return response }
        var response = response
        response.setCookie(Cookie(name: Self.cookieName(port: port), value: String(value), path: "/", httpOnly: true, sameSite: .strict))
        return response
    }
}

extension SessionGuard {
    /// A login reached from another site (the private page `poc ui` hands the
    /// browser is a `file:` page) answered with a page that goes on to the
    /// inbox by itself (`Refresh`) instead of a 303: the browser withholds a
    /// SameSite=Strict cookie from every hop of a redirect chain another site
    /// started, but sends it on a navigation this page starts.
    func bounce(_ response: Response, _ context: Context) -> Response {
        guard response.status == .seeOther, let target = response.headers[.location], response.headers[.setCookie] != nil else {
            return response
        }
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame(title: t["login.signed_in"], session: nil, pocID: nil, path: "/login", current: nil)
        var page = state.renderer.notice(
            heading: t["login.signed_in"], body: t["login.signed_in_body"], backLink: true, frame: frame, language: context.language,
            status: .ok)
        for cookie in response.headers[values: .setCookie] { page.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        page.headers[.refresh] = "0; url=\(target)"
        return page
    }
}

extension HTTPField.Name {
    static let refresh = Self("Refresh")!
}

/// The 401 page: open the link printed by `poc ui`.
func loginNeeded(state: UIState, language: UILanguage, path: String) -> Response {
    let t = state.renderer.catalogs[language]
    let frame = PageRenderer.Frame(title: t["login.title"], session: nil, pocID: nil, path: path, current: nil)
    return state.renderer.notice(
        heading: t["login.title"], body: t["login.body"], frame: frame, language: language, status: .unauthorized)
}
