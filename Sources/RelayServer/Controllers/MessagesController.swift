import Hummingbird
import RelayProtocol
import RelayService
import ServiceLifecycle

/// `POST /v1/messages`, `GET /v1/inbox`, receipts and delivery status.
struct MessagesController {
    let service: RelayService

    /// The body of a successful receipt.
    struct ReceiptRecorded: Encodable {
        let id: String
        let pocID: String
        enum CodingKeys: String, CodingKey { case id, pocID = "poc_id" }
    }

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.post("/v1/messages") { request, context -> Response in
            let caller = try context.requireCaller()
            let envelope = try await JSONBody.decode(Envelope.self, from: request, context: context)
            let (response, created) = try await service.submit(envelope, from: caller)
            return try JSONBody.response(response, status: created ? .created : .ok)
        }
        group.get("/v1/inbox") { request, context -> Response in
            let caller = try context.requireCaller()
            let wait = try Self.integer(request, "wait", default: 0, range: 0...3600)
            let limit = try Self.integer(request, "limit", default: 50, range: 1...10_000)
            // A relay shutting down answers long polls at once instead of holding them.
            let inbox = try await cancelWhenGracefulShutdown {
                try await service.inbox(for: caller, wait: wait, limit: limit)
            }
            return try JSONBody.response(inbox)
        }
        group.post("/v1/messages/:id/receipt") { request, context -> Response in
            let caller = try context.requireCaller()
            let id = context.parameters.get("id") ?? ""
            let body = try await JSONBody.decode(SignatureBody.self, from: request, context: context)
            try await service.receipt(messageID: id, signature: body.signature.data, from: caller)
            return try JSONBody.response(ReceiptRecorded(id: id, pocID: caller.pocID.rawValue))
        }
        group.get("/v1/messages/:id/status") { _, context -> Response in
            let caller = try context.requireCaller()
            return try JSONBody.response(try await service.status(messageID: context.parameters.get("id") ?? "", for: caller))
        }
    }

    /// An integer query parameter within `range`, or 400.
    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw RelayFailure.badRequest("The query parameter \(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }
}
