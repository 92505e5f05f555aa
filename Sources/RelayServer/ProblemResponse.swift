import Foundation
public import Hummingbird
import RelayProtocol
public import RelayService

/// RFC 9457 rendering of a `RelayFailure`, so Hummingbird can throw it too.
extension RelayFailure: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: problem.status) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.render(problem, retryAfter: retryAfterSeconds)
    }

    /// The problem as a response with `application/problem+json`.
    static func render(_ problem: Problem, retryAfter: Int? = nil) -> Response {
        var headers: HTTPFields = [.contentType: Problem.mediaType, .cacheControl: "no-store"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = (try? WireJSON.encode(problem)) ?? Data()
        return Response(status: .init(code: problem.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
