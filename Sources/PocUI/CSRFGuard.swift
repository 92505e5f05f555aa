import HTTPTypes
import Hummingbird
import NIOCore

/// Every state-changing request (POST, PUT, PATCH, DELETE) must carry the
/// session's CSRF token, as the form field `csrf` or the header
/// `X-CSRF-Token`, and must not come from another origin (`Origin`,
/// `Sec-Fetch-Site`; an opaque `Origin: null` only with `Sec-Fetch-Site:
/// same-origin`); else 403. The checked form (URL-encoded, or multipart with
/// files) is handed to the route.
struct CSRFGuard: RouterMiddleware {
    typealias Context = UIRequestContext
    let state: UIState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method) else { return try await next(request, context) }
        guard let session = context.session else { return loginNeeded(state: state, language: context.language, path: request.uri.path) }
        let site = request.headers[.secFetchSite]
        if let site, site != "same-origin", site != "none" { return refused(context) }
        // A browser sends `Origin: null` with a same-origin form under
        // `Referrer-Policy: no-referrer` (Fetch standard); it is accepted only
        // when the browser also says the request is same-origin.
        if let origin = request.headers[.origin], !state.isOwnOrigin(origin), !(origin == "null" && site == "same-origin") {
            return refused(context)
        }
        var buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let boundary = request.headers[.contentType].flatMap { FormFields.multipartBoundary(contentType: $0) }
        let form = buffer.withUnsafeReadableBytes { bytes in
            boundary.map { FormFields(multipart: bytes, boundary: $0) } ?? FormFields(body: bytes)
        }
        _ = buffer.withUnsafeMutableReadableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        guard let token = request.headers[.csrfToken] ?? form["csrf"], session.csrf.matches(token) else { return refused(context) }
        var context = context
        context.form = form
        return try await next(request, context)
    }

    private func refused(_ context: Context) -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame(title: t["error.csrf.title"], session: context.session, pocID: nil, path: "/", current: nil)
        return state.renderer.notice(
            heading: t["error.csrf.title"], body: t["error.csrf.body"], backLink: true, frame: frame, language: context.language,
            status: .forbidden)
    }
}
