public import Hummingbird
public import RelayService

/// Resolves `Authorization: Bearer <token>` to the caller, or answers 401
/// (the same for a missing, malformed, unknown, expired or revoked token).
public struct SessionAuthenticator: RouterMiddleware {
    public typealias Context = RelayRequestContext
    let service: RelayService

    /// Creates the middleware.
    public init(service: RelayService) { self.service = service }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw RelayFailure.unauthorized
        }
        var context = context
        context.caller = try await service.authenticate(token: String(header.dropFirst("Bearer ".count)))
        return try await next(request, context)
    }
}
