import Hummingbird
import RelayProtocol
import RelayService

/// `POST /v1/enrol`, `/v1/auth/challenge`, `/v1/auth/session`: becoming and proving a POC.
struct AccessController {
    let service: RelayService
    /// Where issued sessions are noted, so they are served from a busy address.
    let sessions: KnownSessions

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
            let session = try await service.session(body)
            sessions.remember(session.token[...])
            return try JSONBody.response(session)
        }
    }
}
