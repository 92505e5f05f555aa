public import Foundation
public import RelayProtocol

/// The endpoints that need `Authorization: Bearer <token>`.
extension RelayAPIClient {
    /// The longest inbox wait the relay grants, in seconds.
    public static let maximumInboxWait = 60

    /// `GET /v1/directory`: every entry and the relay's signature over the key material.
    /// - Parameter token: A session token.
    /// - Returns: The directory; check it with ``DirectorySignature/isValid(_:version:entries:relayKey:)``.
    /// - Throws: ``RelayClientError``.
    ///
    /// The directory of the last answer is kept with its `ETag` and asked for
    /// with `If-None-Match`: a relay that answers `304 Not Modified` sends
    /// nothing again, and the kept one is returned (``KeptDirectory``).
    public func directory(token: String) async throws(RelayClientError) -> Directory {
        let context = "GET /v1/directory"
        let kept = keptDirectory.current
        let response = try await exchange("GET", "/v1/directory", token: token, ifNoneMatch: kept?.entityTag)
        if response.status == 304, let kept { return kept.directory }
        try expect(response, [200], context: context)
        let directory = try decode(Directory.self, from: response, context: context)
        if let tag = response.header("ETag"), !tag.isEmpty { keptDirectory.keep(directory, entityTag: tag) } else { keptDirectory.forget() }
        return directory
    }

    /// `PUT /v1/directory/me`: replaces the caller's descriptive fields.
    /// - Parameters:
    ///   - details: The new descriptive fields (keys, state and role do not change).
    ///   - token: A session token.
    /// - Returns: The entry as now published.
    /// - Throws: ``RelayClientError``; a problem 422 for invalid fields.
    public func updateEntry(_ details: EntryDetails, token: String) async throws(RelayClientError) -> DirectoryEntry {
        let context = "PUT /v1/directory/me"
        let body = try encode(details, context: context)
        let response = try await exchange("PUT", "/v1/directory/me", json: body, token: token)
        try expect(response, [200], context: context)
        return try decode(DirectoryEntry.self, from: response, context: context)
    }

    /// `POST /v1/keys/box`: publishes a new X25519 key certificate.
    /// - Parameters:
    ///   - rotation: The new box key, its time and its signature.
    ///   - token: A session token.
    /// - Returns: The entry as now published.
    /// - Throws: ``RelayClientError``; a problem 422 for a bad key signature.
    public func rotateBoxKey(_ rotation: BoxKeyRotation, token: String) async throws(RelayClientError) -> DirectoryEntry {
        let context = "POST /v1/keys/box"
        let body = try encode(rotation, context: context)
        let response = try await exchange("POST", "/v1/keys/box", json: body, token: token)
        try expect(response, [200, 201], context: context)
        return try decode(DirectoryEntry.self, from: response, context: context)
    }

    /// `POST /v1/messages`: submits a sealed envelope.
    /// - Parameters:
    ///   - envelope: The envelope; its `from` must be the caller.
    ///   - token: A session token.
    /// - Returns: The relay's acceptance, and `created` true for 201 (stored now)
    ///   or false for 200 (the identical envelope was already stored).
    /// - Throws: ``RelayClientError``; problems 400, 403 (routing rule), 409 (id used), 413, 422.
    public func submit(
        _ envelope: Envelope, token: String
    ) async throws(RelayClientError)
        -> (response: SubmitResponse, created: Bool)
    {
        let context = "POST /v1/messages"
        let body = try encode(envelope, context: context)
        let response = try await exchange("POST", "/v1/messages", json: body, token: token)
        try expect(response, [200, 201], context: context)
        return (try decode(SubmitResponse.self, from: response, context: context), response.status == 201)
    }

    /// `GET /v1/inbox`: the caller's messages, most urgent first, then oldest first.
    ///
    /// When the inbox is empty the relay holds the request up to `wait`
    /// seconds; the call's time limit is that wait plus 15 s.
    /// - Parameters:
    ///   - wait: Seconds to wait for a message when none is there, clamped to 0...60.
    ///   - limit: The most messages to return.
    ///   - token: A session token.
    /// - Returns: The messages, each with the caller's own wrapped key.
    /// - Throws: ``RelayClientError``.
    public func inbox(wait: Int, limit: Int, token: String) async throws(RelayClientError) -> Inbox {
        let context = "GET /v1/inbox"
        let wait = min(max(wait, 0), Self.maximumInboxWait)
        let response = try await exchange(
            "GET", "/v1/inbox", query: [("wait", String(wait)), ("limit", String(limit))], token: token,
            timeout: .seconds(wait + 15))
        try expect(response, [200], context: context)
        return try decode(Inbox.self, from: response, context: context)
    }

    /// `POST /v1/messages/{id}/receipt`: signs for a message; it leaves the caller's inbox.
    /// - Parameters:
    ///   - messageID: The message received.
    ///   - signature: The ``Receipt`` signature (64 bytes).
    ///   - token: A session token.
    /// - Throws: ``RelayClientError``; a problem 404 for a message not addressed to the caller.
    public func receipt(messageID: MessageID, signature: Data, token: String) async throws(RelayClientError) {
        let path = "/v1/messages/\(try RelayURL.pathSegment(messageID.rawValue))/receipt"
        let context = "POST \(path)"
        let body = try encode(SignatureBody(signature: signature), context: context)
        let response = try await exchange("POST", path, json: body, token: token)
        try expect(response, [200, 201, 204], context: context)
    }

    /// `GET /v1/messages/{id}/status`: who fetched and who signed for a message.
    /// - Parameters:
    ///   - messageID: A message the caller sent (or any, for a custodian).
    ///   - token: A session token.
    /// - Returns: Per recipient, fetch and receipt times and the receipt signature.
    /// - Throws: ``RelayClientError``; a problem 404 for an unknown message or one not the caller's.
    public func status(messageID: MessageID, token: String) async throws(RelayClientError) -> MessageStatus {
        let path = "/v1/messages/\(try RelayURL.pathSegment(messageID.rawValue))/status"
        let context = "GET \(path)"
        let response = try await exchange("GET", path, token: token)
        try expect(response, [200], context: context)
        return try decode(MessageStatus.self, from: response, context: context)
    }

    /// `GET /v1/pings`: the caller's pending liveness pings.
    /// - Parameter token: A session token.
    /// - Returns: The pings; answer only those ``Ping/isSigned(by:for:)`` accepts.
    /// - Throws: ``RelayClientError``.
    public func pings(token: String) async throws(RelayClientError) -> [Ping] {
        let context = "GET /v1/pings"
        let response = try await exchange("GET", "/v1/pings", token: token)
        try expect(response, [200], context: context)
        return try decode([Ping].self, from: response, context: context)
    }

    /// `POST /v1/pings/{id}/answer`: answers a ping.
    /// - Parameters:
    ///   - id: The ping id (percent-encoded here).
    ///   - signature: The ``PingAnswer`` signature (64 bytes).
    ///   - token: A session token.
    /// - Returns: When the relay recorded the answer, and whether it was on time.
    /// - Throws: ``RelayClientError``; ``RelayClientError/Kind/invalidRequest(_:)``
    ///   for an empty id, `.` or `..`.
    public func answerPing(
        id: String, signature: Data, token: String
    ) async throws(RelayClientError)
        -> PingAnswerResponse
    {
        let path = "/v1/pings/\(try RelayURL.pathSegment(id))/answer"
        let context = "POST \(path)"
        let body = try encode(SignatureBody(signature: signature), context: context)
        let response = try await exchange("POST", path, json: body, token: token)
        try expect(response, [200, 201], context: context)
        return try decode(PingAnswerResponse.self, from: response, context: context)
    }

    /// `GET /v1/audit/pings`: ping campaigns, compliance and states to follow up (custodian).
    /// - Parameter token: A custodian's session token.
    /// - Returns: The ping audit.
    /// - Throws: ``RelayClientError``; a problem 403 for a caller that is not a custodian.
    public func auditPings(token: String) async throws(RelayClientError) -> PingAudit {
        let context = "GET /v1/audit/pings"
        let response = try await exchange("GET", "/v1/audit/pings", token: token)
        try expect(response, [200], context: context)
        return try decode(PingAudit.self, from: response, context: context)
    }

    /// `GET /v1/audit/delivery`: delivery figures per urgency and undelivered messages (custodian).
    /// - Parameter token: A custodian's session token.
    /// - Returns: The delivery audit (never any content).
    /// - Throws: ``RelayClientError``; a problem 403 for a caller that is not a custodian.
    public func auditDelivery(token: String) async throws(RelayClientError) -> DeliveryAudit {
        let context = "GET /v1/audit/delivery"
        let response = try await exchange("GET", "/v1/audit/delivery", token: token)
        try expect(response, [200], context: context)
        return try decode(DeliveryAudit.self, from: response, context: context)
    }
}
