import Hummingbird
import RelayProtocol
import RelayService

/// `GET /`, `GET /healthz`, `GET /v1/relay`: what anyone may read.
struct PublicController {
    let service: RelayService

    /// `GET /healthz`, outside every rate limit, so that a monitor sharing an
    /// address with a flood still reads the relay's health.
    func addHealthRoute(to router: Router<RelayRequestContext>) {
        router.get("/healthz") { _, _ -> Response in
            guard await service.isHealthy() else { throw RelayFailure.unavailable }
            return try JSONBody.response(["status": "ok"])
        }
    }

    /// The other routes, behind the public rate limit.
    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("/") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: LandingPage.html)))
        }
        group.get("/v1/relay") { _, _ -> Response in
            try JSONBody.response(service.relayInfo())
        }
    }
}
