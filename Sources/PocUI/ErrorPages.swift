import Hummingbird

/// Renders a route's HTTP error (an unknown page, a bad request) as a page
/// in the request's language instead of Hummingbird's bare body.
struct ErrorPages: RouterMiddleware {
    typealias Context = UIRequestContext
    let state: UIState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let t = state.renderer.catalogs[context.language]
            let frame = PageRenderer.Frame(
                title: t["error.notfound.title"], session: context.session, pocID: nil, path: request.uri.path, current: nil)
            return state.renderer.notice(
                heading: t["error.notfound.title"], body: t["error.notfound.body"], backLink: context.session != nil, frame: frame,
                language: context.language, status: .notFound)
        }
    }
}
