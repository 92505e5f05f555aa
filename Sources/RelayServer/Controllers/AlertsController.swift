import Hummingbird
import RelayAlerts
import RelayProtocol
import RelayService

/// `GET` and `PUT /v1/alerts/me`, `GET /v1/alerts/me/status` and
/// `POST /v1/alerts/me/test` (section 10): each POC's own alert channels.
struct AlertsController {
    let service: RelayService
    let sender: AlertSender

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("/v1/alerts/me") { _, context -> Response in
            try JSONBody.response(try await service.alertSettings(for: try context.requireCaller()))
        }
        group.put("/v1/alerts/me") { request, context -> Response in
            let caller = try context.requireCaller()
            let settings = try await JSONBody.decode(AlertSettings.self, from: request, context: context)
            return try JSONBody.response(try await service.setAlertSettings(settings, for: caller))
        }
        group.get("/v1/alerts/me/status") { _, context -> Response in
            try JSONBody.response(try await service.alertStatus(for: try context.requireCaller()))
        }
        group.post("/v1/alerts/me/test") { _, context -> Response in
            try JSONBody.response(try await sender.sendTest(for: try context.requireCaller()))
        }
    }
}
