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

/// JSON in and out of handlers.
enum JSONBody {
    /// Reads and strictly decodes a JSON request body.
    /// - Throws: 413 over the limit; 400 for JSON that is not the expected
    ///   shape, naming the field; 400/422 from wire validation.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: RelayRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw RelayFailure.tooLarge("The request body is larger than \(context.maxUploadSize) bytes.")
        }
        let data = Data(buffer.readableBytesView)
        do {
            return try WireJSON.decode(T.self, from: data)
        } catch let error as WireError {
            throw RelayFailure.wire(error)
        } catch let error as DecodingError {
            throw RelayFailure.badRequest(Self.explain(error))
        } catch {
            throw RelayFailure.badRequest("The body is not valid JSON.")
        }
    }

    /// A JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try WireJSON.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Words a user can act on for a decoding failure; no internals.
    static func explain(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let joined = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "the body" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return "The field \(key.stringValue) is missing\(parent)."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type or is null."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The body is not valid UTF-8 JSON." }
            return "\(path(context.codingPath)) has a value that is not allowed."
        @unknown default:
            return "The body does not have the expected shape."
        }
    }
}
