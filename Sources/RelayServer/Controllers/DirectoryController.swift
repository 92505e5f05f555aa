import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelayProtocol
import RelayService

/// `GET /v1/directory`, `PUT /v1/directory/me`, `POST /v1/keys/box`.
struct DirectoryController {
    let service: RelayService

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("/v1/directory") { request, context -> Response in
            _ = try context.requireCaller()
            return Self.response(try await service.directoryDocument().document, ifNoneMatch: request.headers[values: .ifNoneMatch])
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

    /// The directory's JSON with its `ETag`, or `304 Not Modified` without a
    /// body when `If-None-Match` names that tag (RFC 9110 section 13.1.2):
    /// a client that kept the directory it verified need not fetch it again.
    /// Not part of the protocol: a client that sends no `If-None-Match` gets
    /// the 200 the protocol describes (docs/protocol.md section 5).
    static func response(_ document: DirectoryDocument, ifNoneMatch: [String]) -> Response {
        let tags = ifNoneMatch.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.contains(where: { $0 == "*" || $0 == document.entityTag || $0 == "W/" + document.entityTag }) {
            return Response(status: .notModified, headers: [.eTag: document.entityTag, .cacheControl: "no-store"])
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store", .eTag: document.entityTag],
            body: .init(byteBuffer: ByteBuffer(bytes: document.body)))
    }
}
