public import Hummingbird
import RelayProtocol
import RelayService

/// Resolves `Authorization: Bearer <token>` to the caller, or answers 401
/// (the same for a missing, malformed, unknown, expired or revoked token).
///
/// Every request that fails draws a token from its address's bucket in the
/// ``AddressLimiter``, and is 429 once that bucket is empty. While it is
/// empty, only tokens in ``KnownSessions`` are looked up; any other is 429
/// before it is hashed or read from the store, so a flood of guessed tokens
/// costs a bucket check each (docs/protocol.md section 5, parsing rules).
public struct SessionAuthenticator: RouterMiddleware {
    public typealias Context = RelayRequestContext
    let service: RelayService
    let limiter: AddressLimiter
    let sessions: KnownSessions

    init(service: RelayService, limiter: AddressLimiter, sessions: KnownSessions) {
        self.service = service
        self.limiter = limiter
        self.sessions = sessions
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = limiter.clientAddress(request, context)
        // The scheme name is case-insensitive (RFC 9110, section 11.1).
        guard let header = request.headers[.authorization], header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw limiter.failedAuthentication(from: address)
        }
        let token = header.dropFirst(7)
        if !sessions.contains(token), let refusal = limiter.refusal(address) { throw refusal }
        var context = context
        do {
            context.caller = try await service.authenticate(token: String(token))
        } catch {
            guard error.problem.status == 401 else { throw error }
            sessions.forget(token)
            throw limiter.failedAuthentication(from: address)
        }
        sessions.remember(token)
        return try await next(request, context)
    }
}
