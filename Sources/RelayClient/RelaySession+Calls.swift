public import Foundation
public import RelayProtocol
public import Sodium

/// The authenticated endpoints, with the token handled by the session.
extension RelaySession {
    /// `GET /v1/directory`.
    /// - Returns: The directory; check its signature against the pinned relay key.
    /// - Throws: ``RelayClientError``.
    public nonisolated func directory() async throws(RelayClientError) -> Directory {
        try await authorized { token throws(RelayClientError) in try await api.directory(token: token) }
    }

    /// `PUT /v1/directory/me`.
    /// - Parameter details: The new descriptive fields.
    /// - Returns: The entry as now published.
    /// - Throws: ``RelayClientError``.
    public nonisolated func updateEntry(_ details: EntryDetails) async throws(RelayClientError) -> DirectoryEntry {
        try await authorized { token throws(RelayClientError) in try await api.updateEntry(details, token: token) }
    }

    /// `POST /v1/keys/box`.
    /// - Parameter rotation: The new key certificate.
    /// - Returns: The entry as now published.
    /// - Throws: ``RelayClientError``.
    public nonisolated func rotateBoxKey(_ rotation: BoxKeyRotation) async throws(RelayClientError) -> DirectoryEntry {
        try await authorized { token throws(RelayClientError) in try await api.rotateBoxKey(rotation, token: token) }
    }

    /// `POST /v1/messages`.
    /// - Parameter envelope: The sealed envelope, from this POC.
    /// - Returns: The acceptance, and whether it was created now (201) or already stored (200).
    /// - Throws: ``RelayClientError``.
    public nonisolated func submit(
        _ envelope: Envelope
    ) async throws(RelayClientError)
        -> (response: SubmitResponse, created: Bool)
    {
        try await authorized { token throws(RelayClientError) in try await api.submit(envelope, token: token) }
    }

    /// `GET /v1/inbox`, waiting up to `wait` seconds when empty.
    /// - Parameters:
    ///   - wait: Seconds to wait for a message, 0...60.
    ///   - limit: The most messages to return.
    /// - Returns: The messages.
    /// - Throws: ``RelayClientError``.
    public nonisolated func inbox(wait: Int, limit: Int) async throws(RelayClientError) -> Inbox {
        try await authorized { token throws(RelayClientError) in try await api.inbox(wait: wait, limit: limit, token: token) }
    }

    /// `POST /v1/messages/{id}/receipt` with a signature made elsewhere.
    /// - Parameters:
    ///   - messageID: The message received.
    ///   - signature: The ``Receipt`` signature.
    /// - Throws: ``RelayClientError``.
    public nonisolated func receipt(messageID: MessageID, signature: Data) async throws(RelayClientError) {
        try await authorized { token throws(RelayClientError) in
            try await api.receipt(messageID: messageID, signature: signature, token: token)
        }
    }

    /// Signs and sends the receipt for `message`. Call only once the message
    /// opened and verified (docs/protocol.md 4.4): a receipt says it was received.
    /// - Parameter message: The inbox message, as received.
    /// - Throws: ``RelayClientError``.
    public func sendReceipt(for message: InboxMessage) async throws(RelayClientError) {
        let signature = Receipt.sign(messageID: message.id, recipient: pocID, body: message.body.data, identity: identity)
        try await receipt(messageID: message.id, signature: signature)
    }

    /// `GET /v1/messages/{id}/status`.
    /// - Parameter messageID: A message this POC sent.
    /// - Returns: The delivery state per recipient.
    /// - Throws: ``RelayClientError``.
    public nonisolated func status(messageID: MessageID) async throws(RelayClientError) -> MessageStatus {
        try await authorized { token throws(RelayClientError) in try await api.status(messageID: messageID, token: token) }
    }

    /// `GET /v1/pings`.
    /// - Returns: The pending pings, unverified.
    /// - Throws: ``RelayClientError``.
    public nonisolated func pings() async throws(RelayClientError) -> [Ping] {
        try await authorized { token throws(RelayClientError) in try await api.pings(token: token) }
    }

    /// `POST /v1/pings/{id}/answer` with a signature made elsewhere.
    /// - Parameters:
    ///   - id: The ping id.
    ///   - signature: The ``PingAnswer`` signature.
    /// - Returns: When the answer was recorded and whether it was on time.
    /// - Throws: ``RelayClientError``.
    public nonisolated func answerPing(id: String, signature: Data) async throws(RelayClientError) -> PingAnswerResponse {
        try await authorized { token throws(RelayClientError) in
            try await api.answerPing(id: id, signature: signature, token: token)
        }
    }

    /// Checks that the pinned relay key signed `ping` for this POC, then signs and sends the answer.
    /// - Parameters:
    ///   - ping: A ping from ``pings()``.
    ///   - relayKey: The relay's pinned Ed25519 key.
    /// - Returns: When the answer was recorded and whether it was on time.
    /// - Throws: ``RelayClientError/Kind/badResponse(_:)`` for a ping the relay
    ///   key did not sign (a forgery, never answered); else ``RelayClientError``.
    public func answer(_ ping: Ping, relayKey: SigningPublicKey) async throws(RelayClientError) -> PingAnswerResponse {
        guard ping.isSigned(by: relayKey, for: pocID) else {
            throw RelayClientError(
                .badResponse("ping \(RelayClientError.printable(ping.pingID, limit: 80)) is not signed by the pinned relay key; not answered"),
                context: "GET /v1/pings", relay: api.http.baseURL)
        }
        let signature = PingAnswer.sign(pingID: ping.pingID, challenge: ping.challenge.data, identity: identity)
        return try await answerPing(id: ping.pingID, signature: signature)
    }

    /// `GET /v1/audit/pings` (custodian).
    /// - Returns: The ping audit.
    /// - Throws: ``RelayClientError``.
    public nonisolated func auditPings() async throws(RelayClientError) -> PingAudit {
        try await authorized { token throws(RelayClientError) in try await api.auditPings(token: token) }
    }

    /// `GET /v1/audit/delivery` (custodian).
    /// - Returns: The delivery audit.
    /// - Throws: ``RelayClientError``.
    public nonisolated func auditDelivery() async throws(RelayClientError) -> DeliveryAudit {
        try await authorized { token throws(RelayClientError) in try await api.auditDelivery(token: token) }
    }
}
