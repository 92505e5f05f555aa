import Hummingbird

/// Lets a request through only with the session cookie of this run's one
/// login; `/login` and `/static/` are open. Without it: 401 and a page that
/// says to open the link `poc ui` printed.
struct SessionGuard: RouterMiddleware {
    typealias Context = UIRequestContext
    static let cookieName = "poc_session"
    let state: UIState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/login" || path.hasPrefix("/static/") { return try await next(request, context) }
        guard let cookie = request.cookies[Self.cookieName]?.value, let session = await state.sessions.session(cookie: cookie) else {
            return loginNeeded(state: state, language: context.language, path: path)
        }
        var context = context
        context.session = session
        return try await next(request, context)
    }
}

/// The 401 page: open the link printed by `poc ui`.
func loginNeeded(state: UIState, language: UILanguage, path: String) -> Response {
    let t = state.renderer.catalogs[language]
    let frame = PageRenderer.Frame(title: t["login.title"], session: nil, pocID: nil, path: path, current: nil)
    return state.renderer.notice(
        heading: t["login.title"], body: t["login.body"], frame: frame, language: language, status: .unauthorized)
}
