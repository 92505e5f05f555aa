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
        // The scheme name is case-insensitive (RFC 9110, section 11.1).
        guard let header = request.headers[.authorization], header.prefix(7).lowercased() == "bearer " else {
            throw RelayFailure.unauthorized
        }
        var context = context
        context.caller = try await service.authenticate(token: String(header.dropFirst(7)))
        return try await next(request, context)
    }
}
