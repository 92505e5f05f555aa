import Foundation
public import RelayClient
public import RelayProtocol
public import Testing

/// Expects `body` to fail with a relay answer of `status` that carries an
/// RFC 9457 problem body; records an issue for success, another status, a
/// missing problem body or any other error.
///
/// - Parameters:
///   - status: The HTTP status expected, e.g. `422`.
///   - sourceLocation: Where the issue is reported (the caller).
///   - body: The call expected to fail, usually through ``RelayAPIClient`` or a session.
public func expectStatus<R>(_ status: Int, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> R) async {
    do {
        _ = try await body()
        Issue.record("expected status \(status), got success", sourceLocation: sourceLocation)
    } catch let error as RelayClientError {
        #expect(error.status == status, "\(error)", sourceLocation: sourceLocation)
        if error.status != nil { #expect(error.problem != nil, "no problem body: \(error)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

extension RawResponse {
    /// The RFC 9457 problem body, expecting its media type, the response's
    /// status in it and a detail that is not blank.
    ///
    /// - Parameter sourceLocation: Where issues are reported (the caller).
    /// - Throws: When the body is not a problem.
    public func problem(sourceLocation: SourceLocation = #_sourceLocation) throws -> Problem {
        #expect(mediaType == "application/problem+json", "status \(status): \(mediaType ?? "no media type")", sourceLocation: sourceLocation)
        let problem = try WireJSON.decode(Problem.self, from: body)
        #expect(problem.status == status, sourceLocation: sourceLocation)
        #expect(!problem.detail.trimmingCharacters(in: .whitespaces).isEmpty, sourceLocation: sourceLocation)
        return problem
    }

    /// The body decoded as a wire type.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T { try WireJSON.decode(T.self, from: body) }

    /// The first 600 bytes of the body as text, for failure messages.
    public var text: String { String(decoding: body.prefix(600), as: UTF8.self) }
}

/// Entry details of an institution, for tests that need a valid entry.
///
/// - Parameters:
///   - entity: The entity's name.
///   - email: The contact address, or `nil` for none.
public func details(_ entity: String = "CERT-XX", email: String? = "cert@example.org") -> EntryDetails {
    EntryDetails(kind: .institution, entity: entity, email: email, languages: ["en", "fr"], entryLanguage: .fr)
}
