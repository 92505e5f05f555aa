public import Hummingbird
import RelayService

/// Rate limiting: per client address on public endpoints (the bucket that
/// failed authentications also draw from), per POC once authenticated.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = RelayRequestContext

    /// What the bucket key is.
    enum Scope: Sendable {
        /// The client address (after trusted proxies), in the shared address bucket.
        case clientAddress(AddressLimiter)
        /// The authenticated POC (falls back to the address).
        case poc(TokenBuckets, AddressLimiter)
    }

    let scope: Scope

    init(scope: Scope) { self.scope = scope }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch scope {
        case .clientAddress(let limiter):
            if let refusal = limiter.take(limiter.clientAddress(request, context)) { throw refusal }
        case .poc(let buckets, let limiter):
            let key = context.caller.map { "poc:\($0.pocID)" } ?? "ip:\(limiter.clientAddress(request, context))"
            if let wait = buckets.take(key) { throw RelayFailure.rateLimited(retryAfter: wait) }
        }
        return try await next(request, context)
    }
}
