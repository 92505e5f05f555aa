import Hummingbird
import RelayProtocol
import RelayService

/// `GET /v1/pings`, `POST /v1/pings/{id}/answer`, and the custodian's audits.
struct PingsController {
    let service: RelayService

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("/v1/pings") { _, context -> Response in
            try JSONBody.response(try await service.pings(for: try context.requireCaller()))
        }
        group.post("/v1/pings/:id/answer") { request, context -> Response in
            let caller = try context.requireCaller()
            let body = try await JSONBody.decode(SignatureBody.self, from: request, context: context)
            let answer = try await service.answerPing(id: context.parameters.get("id") ?? "", signature: body.signature.data, from: caller)
            return try JSONBody.response(answer)
        }
        group.get("/v1/audit/pings") { _, context -> Response in
            try JSONBody.response(try await service.pingAudit(for: try context.requireCaller()))
        }
        group.get("/v1/audit/delivery") { _, context -> Response in
            try JSONBody.response(try await service.deliveryAudit(for: try context.requireCaller()))
        }
    }
}
