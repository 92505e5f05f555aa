import Foundation
import RelayProtocol
import Sodium
import Testing

@Suite("docs/protocol.md v1 vectors (PyNaCl)")
struct VectorTests {
    let v = ProtocolVectors.shared

    @Test("identities: keys, certificates and fingerprints reproduce", arguments: ProtocolVectors.shared.identities + [ProtocolVectors.shared.relay])
    func identity(_ identity: ProtocolVectors.Identity) throws {
        let signing = try identity.signingKeyPair
        #expect(StrictBase64.encode(signing.publicKey.rawRepresentation) == identity.signing_key)
        let box = try identity.boxKeyPair
        #expect(StrictBase64.encode(box.publicKey.rawRepresentation) == identity.box_key)
        let createdAt = try Timestamp(parsing: identity.key_created_at)
        let certificate = KeyCertificate.issue(boxKey: box.publicKey, createdAt: createdAt, identity: signing)
        #expect(certificate.signature.base64 == identity.key_signature)
        #expect(certificate.isValid(for: signing.publicKey))
        #expect(!certificate.isValid(for: try v.relay.signingKeyPair.publicKey) || identity.poc_id == "relay")
        let fingerprint = Fingerprint(of: signing.publicKey)
        #expect(fingerprint.grouped == identity.fingerprint)
        if let relayID = identity.relay_id { #expect(fingerprint.compact == relayID) }
    }

    @Test("the valid message opens for each recipient with the exact inner bytes", arguments: ["DEU-TEC-1", "KOR-TEC-1"])
    func validMessageOpens(_ recipient: String) throws {
        let envelope = try ProtocolVectors.envelope(v.valid_message.envelope)
        #expect(envelope.associatedData == Data(v.valid_message.ad_utf8.utf8))
        let me = try v.identity(recipient)
        let sender = try v.identity("FRA-TEC-1")
        let opened = try envelope.open(as: me.pocID, with: me.boxKeyPair, senderKey: sender.signingKeyPair.publicKey)
        #expect(opened.innerBytes == Data(v.valid_message.expected_inner_utf8.utf8))
        #expect(opened.signature == (try b64(v.valid_message.expected_signature)))
        #expect(opened.inner.type == .rfi)
        #expect(opened.inner.tlp == .amber)
        let fields = try opened.inner.templateFields(RFIFields.self)
        #expect(fields.leadAgency == "CERT-FR")
        #expect(fields.incidentDescription == "")
    }

    @Test("the message signature reproduces byte for byte")
    func messageSignatureReproduces() throws {
        let sender = try v.identity("FRA-TEC-1").signingKeyPair
        let inner = Data(v.valid_message.expected_inner_utf8.utf8)
        let signature = sender.signature(for: DomainSeparation.message + inner)
        #expect(StrictBase64.encode(signature) == v.valid_message.expected_signature)
    }

    @Test("the receipt signature of DEU-TEC-1 reproduces")
    func receiptReproduces() throws {
        let envelope = try ProtocolVectors.envelope(v.valid_message.envelope)
        let deu = try v.identity("DEU-TEC-1")
        let signature = Receipt.sign(messageID: envelope.id, recipient: try deu.pocID, body: envelope.body, identity: try deu.signingKeyPair)
        #expect(StrictBase64.encode(signature) == v.valid_message.receipt_signature_DEU)
        #expect(
            Receipt.isValid(signature, messageID: envelope.id, recipient: try deu.pocID, body: envelope.body, key: try deu.signingKeyPair.publicKey))
        #expect(
            !Receipt.isValid(
                signature, messageID: envelope.id, recipient: try POCID("KOR-TEC-1"), body: envelope.body, key: try deu.signingKeyPair.publicKey))
    }

    /// The failure each invalid vector must produce, keyed by its description.
    static let expectedFailures: [String: OpenFailure.Code] = [
        "urgency changed by the relay (AD mismatch)": .undecryptable,
        "exercise flag flipped (AD mismatch)": .undecryptable,
        "recipient list changed (AD mismatch)": .undecryptable,
        "one ciphertext bit flipped": .undecryptable,
        "key commitment does not match the wrapped key": .commitmentMismatch,
        "wrapped key belongs to another recipient": .undecryptable,
        "encrypted correctly but signed by KOR-TEC-1 while claiming FRA-TEC-1": .badSignature,
        "inner id differs from envelope id (replayed inner under a new id)": .envelopeMismatch,
        "inner urgency differs from envelope urgency": .envelopeMismatch,
        "a wrapped key for DEU-TEC-1 exists but DEU-TEC-1 is not a recipient (surreptitious forwarding)": .notARecipient,
    ]

    @Test("every invalid message is rejected with the right failure", arguments: ProtocolVectors.shared.invalid_messages.map(\.description))
    func invalidMessageRejected(_ description: String) throws {
        let vector = try #require(v.invalid_messages.first { $0.description == description })
        let expected = try #require(Self.expectedFailures[description], "no expected failure recorded for this vector")
        let envelope = try ProtocolVectors.envelope(vector.envelope)
        let me = try v.identity(vector.open_as)
        let (pocID, keyPair) = (try me.pocID, try me.boxKeyPair)
        let senderKey = try v.identity(envelope.from.rawValue).signingKeyPair.publicKey
        let failure = #expect(throws: OpenFailure.self) {
            _ = try envelope.open(as: pocID, with: keyPair, senderKey: senderKey)
        }
        #expect(failure?.code == expected, "\(description)")
    }

    @Test("every vector description has an expected failure")
    func allVectorsClassified() {
        #expect(v.invalid_messages.count == 10)
        #expect(Set(v.invalid_messages.map(\.description)) == Set(Self.expectedFailures.keys))
    }

    @Test("the auth proof reproduces")
    func authProof() throws {
        let fra = try v.identity("FRA-TEC-1")
        let challenge = try b64(v.auth.challenge)
        let bytes = AuthProof.signedBytes(relayID: try #require(v.relay.relay_id), pocID: try fra.pocID, challenge: challenge)
        #expect(bytes == Data(v.auth.signed_utf8.utf8))
        let signature = AuthProof.sign(
            relayID: try #require(v.relay.relay_id), pocID: try fra.pocID, challenge: challenge, identity: try fra.signingKeyPair)
        #expect(StrictBase64.encode(signature) == v.auth.signature)
    }

    @Test("the ping and its answer reproduce; a forged ping is detected")
    func ping() throws {
        let relay = try v.relay.signingKeyPair
        let fra = try v.identity(v.ping.poc_id)
        let ping = Ping.issue(
            pingID: v.ping.ping_id, campaignID: "c-1", pocID: try fra.pocID, issuedAt: try Timestamp(parsing: v.ping.issued_at),
            deadline: try Timestamp(parsing: v.ping.deadline), challenge: try b64(v.ping.challenge), relayKey: relay)
        #expect(ping.signature.base64 == v.ping.signature)
        #expect(ping.isSigned(by: relay.publicKey, for: try fra.pocID))
        #expect(!ping.isSigned(by: relay.publicKey, for: try POCID("DEU-TEC-1")))
        #expect(!ping.isSigned(by: try fra.signingKeyPair.publicKey, for: try fra.pocID))
        let answer = PingAnswer.sign(pingID: v.ping.ping_id, challenge: try b64(v.ping.challenge), identity: try fra.signingKeyPair)
        #expect(StrictBase64.encode(answer) == v.ping.answer_signature)
    }

    @Test("the directory signature reproduces")
    func directory() throws {
        let lines = try v.identities.map {
            DirectorySignature.Line(pocID: try $0.pocID, signingKey: try $0.signingKeyPair.publicKey, boxKey: try $0.boxKeyPair.publicKey)
        }
        let bytes = DirectorySignature.signedBytes(version: v.directory.version, lines: lines)
        #expect(bytes == Data(v.directory.signed_utf8.utf8))
        let signature = try v.relay.signingKeyPair.signature(for: bytes)
        #expect(StrictBase64.encode(signature) == v.directory.signature)
    }
}
