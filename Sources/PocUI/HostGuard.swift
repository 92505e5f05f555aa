import HTTPTypes
import Hummingbird

/// Refuses a request whose `Host` is not this server's own loopback address
/// and port with 421: a page of another site that re-points its name at
/// 127.0.0.1 (DNS rebinding) sends its own name as the Host and is turned away
/// before any route, cookie or key is touched.
struct HostGuard: RouterMiddleware {
    typealias Context = UIRequestContext
    let state: UIState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? request.headers[.hostField]
        guard let host, state.isOwnHost(host) else {
            return Response(
                status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "421 misdirected request: this server answers only at its own loopback address\n")))
        }
        return try await next(request, context)
    }
}
