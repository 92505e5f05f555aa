public import Hummingbird

/// Puts the configured request body limit on every request's context, so
/// that `JSONBody` reads at most ``RelayServerConfiguration/maxRequestBodyBytes``.
public struct RequestLimitsMiddleware: RouterMiddleware {
    public typealias Context = RelayRequestContext
    let maxBodyBytes: Int

    /// Creates the middleware.
    /// - Parameter maxBodyBytes: The largest request body read, in bytes.
    public init(maxBodyBytes: Int) { self.maxBodyBytes = max(0, maxBodyBytes) }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        return try await next(request, context)
    }
}
