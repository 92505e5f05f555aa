import Hummingbird
import RelayProtocol
import RelayService

/// `GET /v1/directory`, `PUT /v1/directory/me`, `POST /v1/keys/box`.
struct DirectoryController {
    let service: RelayService

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("/v1/directory") { _, context -> Response in
            _ = try context.requireCaller()
            return try JSONBody.response(try await service.directory())
        }
        group.put("/v1/directory/me") { request, context -> Response in
            let caller = try context.requireCaller()
            let details = try await JSONBody.decode(EntryDetails.self, from: request, context: context)
            return try JSONBody.response(try await service.updateEntry(details, for: caller))
        }
        group.post("/v1/keys/box") { request, context -> Response in
            let caller = try context.requireCaller()
            let rotation = try await JSONBody.decode(BoxKeyRotation.self, from: request, context: context)
            return try JSONBody.response(try await service.rotateBoxKey(rotation, for: caller))
        }
    }
}
