import Foundation
import RelayProtocol
import Sodium
import Testing

/// `alerts-v1.1.json`: a signed webhook body made with PyNaCl (section 10).
struct AlertVectors: Decodable {
    struct Relay: Decodable {
        let ed25519_seed: String
        let signing_key: String
        let relay_id: String
    }
    struct Alert: Decodable {
        let body: String
        let signature: String
        let signature_flipped: String
    }
    let version: String
    let relay: Relay
    let alert: Alert

    static func load() throws -> AlertVectors {
        let url = try #require(Bundle.module.url(forResource: "alerts-v1.1", withExtension: "json"))
        return try JSONDecoder().decode(AlertVectors.self, from: Data(contentsOf: url))
    }
}

@Suite("docs/protocol.md v1.1 alert vector (PyNaCl)")
struct AlertVectorTests {
    @Test("the relay's key and id reproduce")
    func relayIdentity() throws {
        let v = try AlertVectors.load()
        let key = try SigningKeyPair(seed: SecretBytes(copying: StrictBase64.decode(v.relay.ed25519_seed, field: "seed")))
        #expect(StrictBase64.encode(key.publicKey.rawRepresentation) == v.relay.signing_key)
        #expect(Fingerprint(of: key.publicKey).compact == v.relay.relay_id)
    }

    @Test("our encoding of the alert is the vector's body, byte for byte, and its signature reproduces")
    func bodyAndSignature() throws {
        let v = try AlertVectors.load()
        let key = try SigningKeyPair(seed: SecretBytes(copying: StrictBase64.decode(v.relay.ed25519_seed, field: "seed")))
        let decoded = try WireJSON.decode(AlertNotice.self, from: Data(v.alert.body.utf8))
        #expect(decoded.reason == .escalation)
        #expect(decoded.pocID == "DEU-DIP-1" && decoded.forPOCID == "DEU-TEC-1")
        #expect(decoded.waiting == 2 && decoded.urgency == .flash && !decoded.exercise)
        let notice = AlertNotice(
            relayID: v.relay.relay_id, alertID: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", reason: .escalation, pocID: "DEU-DIP-1",
            forPOCID: "DEU-TEC-1", urgency: .flash, exercise: false, waiting: 2,
            acceptedAt: try Timestamp(parsing: "2026-11-22T10:00:00Z"), at: try Timestamp(parsing: "2026-11-22T10:15:00Z"))
        #expect(notice == decoded)
        #expect(String(decoding: notice.body, as: UTF8.self) == v.alert.body)
        // Ed25519 is deterministic: the same key and bytes give the vector's signature exactly.
        #expect(AlertSignature.sign(body: notice.body, relayKey: key) == v.alert.signature)
        #expect(AlertSignature.isValid(header: v.alert.signature, body: Data(v.alert.body.utf8), relayKey: key.publicKey))
    }

    @Test("a flipped bit, a changed body or another prefix does not verify")
    func tampering() throws {
        let v = try AlertVectors.load()
        let key = try SigningPublicKey(rawRepresentation: StrictBase64.decode(v.relay.signing_key, field: "key"))
        let body = Data(v.alert.body.utf8)
        #expect(!AlertSignature.isValid(header: v.alert.signature_flipped, body: body, relayKey: key))
        #expect(
            !AlertSignature.isValid(
                header: v.alert.signature, body: Data(v.alert.body.replacingOccurrences(of: "\"waiting\":2", with: "\"waiting\":3").utf8),
                relayKey: key))
        #expect(!AlertSignature.isValid(header: "not base64!", body: body, relayKey: key))
        let signature = try StrictBase64.decode(v.alert.signature, field: "signature")
        #expect(!key.isValidSignature(signature, for: DomainSeparation.ping + body))
        #expect(key.isValidSignature(signature, for: DomainSeparation.alert + body))
    }

    @Test("a test alert has null urgency and accepted_at, in the order of section 10")
    func testAlertBody() throws {
        let notice = AlertNotice(
            relayID: "FD5EFC502594685B348B8EC41803A7E3", alertID: String(repeating: "a", count: 32), reason: .test, pocID: "FRA-TEC-1",
            forPOCID: "FRA-TEC-1", urgency: nil, exercise: false, waiting: 0, acceptedAt: nil,
            at: try Timestamp(parsing: "2026-12-02T05:00:00Z"))
        #expect(
            String(decoding: notice.body, as: UTF8.self)
                == #"{"type":"poc-relay.alert","relay_id":"FD5EFC502594685B348B8EC41803A7E3","alert_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","reason":"test","poc_id":"FRA-TEC-1","for_poc_id":"FRA-TEC-1","urgency":null,"exercise":false,"waiting":0,"accepted_at":null,"at":"2026-12-02T05:00:00Z"}"#
        )
        #expect(try WireJSON.decode(AlertNotice.self, from: notice.body) == notice)
    }
}
