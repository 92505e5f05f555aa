import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Sodium
import Testing

/// A live relay and one API client for it, shut down after `body`.
func withRelay<T: Sendable>(
    configure: (inout RelayServerConfiguration) -> Void = { _ in }, _ body: (LiveRelay, RelayAPIClient) async throws -> T
) async throws -> T {
    try await LiveRelay.withClient(configure: configure, body)
}

extension RelayAPIClient {
    /// A raw request: JSON body (or bytes), optional bearer token.
    func raw(
        _ method: String, _ path: String, json: (any Encodable & Sendable)? = nil, bytes: Data? = nil, token: String? = nil
    ) async throws
        -> RawResponse
    {
        var headers = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let body = try bytes ?? json.map { try WireJSON.encode($0) }
        return try await http.send(method: method, path: path, body: body, headers: headers, timeout: .seconds(30))
    }
}

extension RawResponse {
    /// The problem body, requiring the media type of RFC 9457.
    func problem(sourceLocation: SourceLocation = #_sourceLocation) throws -> Problem {
        #expect(mediaType == "application/problem+json", "status \(status)", sourceLocation: sourceLocation)
        let problem = try WireJSON.decode(Problem.self, from: body)
        #expect(problem.status == status, sourceLocation: sourceLocation)
        #expect(!problem.detail.isEmpty, sourceLocation: sourceLocation)
        return problem
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try WireJSON.decode(T.self, from: body) }
}

/// Expects a relay error with `status` from `body`.
func expectStatus<R>(_ status: Int, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> R) async {
    do {
        _ = try await body()
        Issue.record("expected status \(status), got success", sourceLocation: sourceLocation)
    } catch let error as RelayClientError {
        #expect(error.status == status, "\(error)", sourceLocation: sourceLocation)
        if error.status != nil { #expect(error.problem != nil, "no problem body", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

/// Entry details for tests.
func details(_ entity: String = "CERT-XX", email: String? = "cert@example.org") -> EntryDetails {
    EntryDetails(kind: .institution, entity: entity, email: email, languages: ["en", "fr"], entryLanguage: .fr)
}
