import Foundation
public import RelayClient
public import RelayProtocol
import RelayService
public import Sodium

/// A POC enrolled on a live relay: its keys, id and a logged-in session.
public struct TestPOC: Sendable {
    public let id: POCID
    public let state: StateCode
    public let role: Role
    public let identity: SigningKeyPair
    public let boxKeys: BoxKeyPair
    public let session: RelaySession
    public let entry: DirectoryEntry
}

extension LiveRelay {
    /// Invites and enrols a POC through the real HTTPS API.
    ///
    /// - Parameters:
    ///   - state: The state code, e.g. `"FRA"`.
    ///   - role: The role.
    ///   - api: The client to enrol and log in with.
    public func enrol(_ state: String, _ role: Role, api: RelayAPIClient) async throws -> TestPOC {
        let code = try StateCode(state)
        let invite = try await service.invite(state: code, role: role)
        let identity = SigningKeyPair(), boxKeys = BoxKeyPair()
        let certificate = KeyCertificate.issue(boxKey: boxKeys.publicKey, createdAt: .now(), identity: identity)
        let details = EntryDetails(
            kind: .institution, entity: "\(state) \(role) team", email: "\(role)@\(state.lowercased()).example", languages: ["en"],
            entryLanguage: .en)
        let response = try await api.enrol(
            EnrolRequest(token: invite.token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details))
        let session = RelaySession(api: api, identity: identity, pocID: response.pocID, relayID: service.relayID)
        return TestPOC(id: response.pocID, state: code, role: role, identity: identity, boxKeys: boxKeys, session: session, entry: response.entry)
    }
}

extension TestPOC {
    /// Seals a message from this POC to `recipients` (their keys as the caller knows them).
    public func seal(
        to recipients: [TestPOC], subject: String = "Test", body: String = "Body", urgency: Urgency = .routine, exercise: Bool = false,
        type: MessageType = .message
    ) throws -> Envelope {
        let inner = InnerMessage(
            from: id, to: recipients.map(\.id), urgency: urgency, exercise: exercise, type: type, subject: subject, body: body)
        return try Envelope.seal(
            inner, signer: identity, recipientKeys: Dictionary(uniqueKeysWithValues: recipients.map { ($0.id, $0.boxKeys.publicKey) }))
    }

    /// Opens an inbox message as this POC, checking it against the sender's key.
    public func open(_ message: InboxMessage, senderKey: SigningPublicKey) throws -> OpenedMessage {
        try message.envelope(for: id).open(as: id, with: boxKeys, senderKey: senderKey)
    }
}
