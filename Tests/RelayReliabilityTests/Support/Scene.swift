import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium

/// A relay with some life in it: three technical POCs (FRA, DEU, KOR), a
/// message from FRA to DEU waiting in DEU's inbox, and a ping campaign with
/// one pending ping per POC. KOR is the outsider of the message.
struct Scene: Sendable {
    let relay: LiveRelay
    let api: RelayAPIClient
    let fra: TestPOC
    let deu: TestPOC
    let kor: TestPOC
    /// FRA to DEU, accepted.
    let message: Envelope
    /// Each POC's pending ping, as the relay signed it.
    let pings: [POCID: Ping]
    /// A session token per POC (valid for the session lifetime).
    let tokens: [POCID: String]

    /// The relay's SQLite file.
    var storePath: String { (relay.dataDirectory as NSString).appendingPathComponent("relay.sqlite") }

    /// `poc`'s token.
    func token(_ poc: TestPOC) -> String { tokens[poc.id] ?? "" }

    /// Sets the scene up on a fresh relay.
    static func make(relay: LiveRelay, api: RelayAPIClient) async throws -> Scene {
        let fra = try await relay.enrol("FRA", .technical, api: api)
        let deu = try await relay.enrol("DEU", .technical, api: api)
        let kor = try await relay.enrol("KOR", .technical, api: api)
        let message = try fra.seal(to: [deu], subject: "Scene", body: "A message for DEU only")
        _ = try await fra.session.submit(message)
        _ = try await relay.service.startCampaign()
        var pings: [POCID: Ping] = [:]
        var tokens: [POCID: String] = [:]
        for poc in [fra, deu, kor] {
            pings[poc.id] = try await poc.session.pings().first
            tokens[poc.id] = try await poc.session.token()
        }
        return Scene(relay: relay, api: api, fra: fra, deu: deu, kor: kor, message: message, pings: pings, tokens: tokens)
    }
}

/// Runs `body` with a fresh relay configured by `configure` and a scene on it.
func withScene<T: Sendable>(
    configure: (inout RelayServerConfiguration) -> Void = { _ in }, _ body: (Scene) async throws -> T
) async throws -> T {
    try await withRelay(configure: configure) { relay, api in
        try await body(try await Scene.make(relay: relay, api: api))
    }
}

extension TestPOC {
    /// A valid enrolment request for a new key pair with `token`, certificate dated `createdAt`.
    static func enrolRequest(token: String, createdAt: Timestamp = .now(), entity: String = "CERT-XX") -> EnrolRequest {
        let identity = SigningKeyPair()
        let certificate = KeyCertificate.issue(boxKey: BoxKeyPair().publicKey, createdAt: createdAt, identity: identity)
        let details = EntryDetails(kind: .institution, entity: entity, email: "cert@example.org", languages: ["en"], entryLanguage: .en)
        return EnrolRequest(token: token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details)
    }

    /// A key rotation signed by this POC for a new key, dated `createdAt`.
    func rotation(createdAt: Timestamp = .now(), boxKey: BoxPublicKey = BoxKeyPair().publicKey) -> BoxKeyRotation {
        BoxKeyRotation(KeyCertificate.issue(boxKey: boxKey, createdAt: createdAt, identity: identity))
    }
}
