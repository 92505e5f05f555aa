import Foundation
import NIOHTTP1
import RelayProtocol

/// The plumbing every typed call shares: headers, JSON both ways, status checks.
extension RelayAPIClient {
    /// One JSON request. `token` goes in `Authorization: Bearer`, never in a message.
    func exchange(
        _ method: String, _ path: String, query: [(String, String)] = [], json: Data? = nil, token: String? = nil,
        timeout: Duration? = nil, ifNoneMatch: String? = nil
    ) async throws(RelayClientError) -> RawResponse {
        var headers = [("Accept", "application/json, application/problem+json")]
        if json != nil { headers.append(("Content-Type", "application/json")) }
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let ifNoneMatch { headers.append(("If-None-Match", ifNoneMatch)) }
        return try await http.send(
            method: method, path: path, query: query, body: json, headers: headers, timeout: timeout ?? requestTimeout)
    }

    /// Encodes a request body with ``WireJSON``.
    func encode(_ value: some Encodable, context: String) throws(RelayClientError) -> Data {
        do { return try WireJSON.encode(value) } catch {
            throw RelayClientError(.invalidRequest("the request body cannot be encoded"), context: context, relay: http.baseURL)
        }
    }

    /// Throws the matching ``RelayClientError`` unless `response.status` is in `expected`.
    func expect(_ response: RawResponse, _ expected: Set<Int>, context: String) throws(RelayClientError) {
        guard !expected.contains(response.status) else { return }
        throw Self.failure(of: response, context: context, relay: http.baseURL)
    }

    /// Decodes a 2xx body with ``WireJSON``.
    /// - Throws: ``RelayClientError/Kind/badResponse(_:)`` saying which field is wrong.
    func decode<T: Decodable>(_ type: T.Type, from response: RawResponse, context: String) throws(RelayClientError) -> T {
        do { return try WireJSON.decode(type, from: response.body) } catch {
            throw RelayClientError(.badResponse(Self.words(for: error)), context: context, relay: http.baseURL)
        }
    }

    /// The error for an answer with a status the call does not expect.
    static func failure(of response: RawResponse, context: String, relay: String) -> RelayClientError {
        let status = response.status
        let retryAfter = response.header("Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .flatMap { $0 >= 0 ? $0 : nil }
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        let kind: RelayClientError.Kind
        if (200..<300).contains(status) {
            kind = .unexpectedStatus(status, "\(reason), a success status this call does not expect")
        } else if response.mediaType == Problem.mediaType {
            if let body = try? WireJSON.decode(LenientProblem.self, from: response.body) {
                kind = .problem(
                    Problem(status: status, title: body.title ?? reason, detail: body.detail ?? "", type: body.type))
            } else {
                kind = .unexpectedStatus(status, "\(reason), with a problem body that cannot be read")
            }
        } else {
            let what = response.mediaType.map { " (\($0) body)" } ?? ""
            kind = .unexpectedStatus(status, "\(reason), without a problem description\(what)")
        }
        return RelayClientError(kind, context: context, relay: relay, retryAfterSeconds: retryAfter)
    }

    /// Names what was wrong in a body without quoting it.
    static func words(for error: any Error) -> String {
        if let wire = error as? WireError { return "field \(wire.description)" }
        guard let decoding = error as? DecodingError else { return "the body is not what the protocol says" }
        func path(_ keys: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let all = keys + (last.map { [$0] } ?? [])
            return all.isEmpty ? "the body" : "field " + all.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch decoding {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath, key)) is missing"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null or missing"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) is not a \(type)"
        case .dataCorrupted(let context):
            if let wire = context.underlyingError as? WireError { return "field \(wire.description)" }
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)) is not valid"
        @unknown default: return "the body is not what the protocol says"
        }
    }
}

/// An RFC 9457 body where every member is optional, as the RFC allows.
private struct LenientProblem: Decodable {
    var type: String?
    var title: String?
    var status: Int?
    var detail: String?
}
