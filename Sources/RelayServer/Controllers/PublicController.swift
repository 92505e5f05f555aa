import Hummingbird
import RelayProtocol
import RelayService

/// `GET /`, `GET /healthz`, `GET /v1/relay`: what anyone may read.
struct PublicController {
    let service: RelayService

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("/") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: LandingPage.html)))
        }
        group.get("/healthz") { _, _ -> Response in
            guard await service.isHealthy() else { throw RelayFailure.unavailable }
            return try JSONBody.response(["status": "ok"])
        }
        group.get("/v1/relay") { _, _ -> Response in
            try JSONBody.response(service.relayInfo())
        }
    }
}

/// `POST /v1/enrol`, `/v1/auth/challenge`, `/v1/auth/session`: becoming and proving a POC.
struct AccessController {
    let service: RelayService

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.post("/v1/enrol") { request, context -> Response in
            let body = try await JSONBody.decode(EnrolRequest.self, from: request, context: context)
            return try JSONBody.response(try await service.enrol(body), status: .created)
        }
        group.post("/v1/auth/challenge") { request, context -> Response in
            let body = try await JSONBody.decode(ChallengeRequest.self, from: request, context: context)
            return try JSONBody.response(try await service.challenge(pocID: body.pocID))
        }
        group.post("/v1/auth/session") { request, context -> Response in
            let body = try await JSONBody.decode(SessionRequest.self, from: request, context: context)
            return try JSONBody.response(try await service.session(body))
        }
    }
}
