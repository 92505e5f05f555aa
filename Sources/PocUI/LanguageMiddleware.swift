import Hummingbird

/// Picks the request's language: the `lang` cookie of the picker, else
/// `Accept-Language`, else English.
struct LanguageMiddleware: RouterMiddleware {
    typealias Context = UIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.language = UILanguage.negotiate(cookie: request.cookies["lang"]?.value, acceptLanguage: request.headers[.acceptLanguage])
        return try await next(request, context)
    }
}
