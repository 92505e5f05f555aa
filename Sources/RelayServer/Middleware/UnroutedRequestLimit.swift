public import Hummingbird

/// Requests for a route the relay does not have (404 and 405 from the
/// router) draw from the client's address bucket like other unauthenticated
/// requests, so that scanning paths is rate limited too.
public struct UnroutedRequestLimit: RouterMiddleware {
    public typealias Context = RelayRequestContext
    let limiter: AddressLimiter

    init(limiter: AddressLimiter) { self.limiter = limiter }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            if let refusal = limiter.take(limiter.clientAddress(request, context)) { throw refusal }
            throw error
        }
    }
}
