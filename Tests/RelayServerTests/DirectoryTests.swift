import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

@Suite("Directory, entry updates and key rotation")
struct DirectoryEndpointTests {
    @Test("the directory is signed by the relay over every active entry; revoked entries are listed but unsigned")
    func signedDirectory() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let kor = try await relay.enrol("KOR", .diplomatic, api: api)
            let info = try await api.relayInfo()
            let relayKey = try SigningPublicKey(rawRepresentation: info.signingKey.data)
            var directory = try await fra.session.directory()
            #expect(directory.entries.map(\.pocID) == [deu.id, fra.id, kor.id])
            #expect(DirectorySignature.isValid(directory.signature.data, version: directory.version, entries: directory.entries, relayKey: relayKey))
            #expect(directory.entries.allSatisfy { $0.hasValidKeyCertificate })
            #expect(
                !DirectorySignature.isValid(directory.signature.data, version: directory.version + 1, entries: directory.entries, relayKey: relayKey))
            let before = directory.version
            try await relay.service.revoke(pocID: kor.id)
            directory = try await fra.session.directory()
            #expect(directory.version > before)
            #expect(directory.entries.first { $0.pocID == kor.id }?.status == .revoked)
            #expect(DirectorySignature.isValid(directory.signature.data, version: directory.version, entries: directory.entries, relayKey: relayKey))
            #expect(DirectorySignature.lines(of: directory.entries).map(\.pocID) == [deu.id, fra.id])
        }
    }

    @Test("PUT /v1/directory/me changes the own descriptive fields only (R7); bad fields get 422")
    func updateEntry() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            var updated = details("ANSSI / CERT-FR", email: "new@cert.example")
            updated.translationEn = EntryTranslation(entity: "National cybersecurity agency")
            updated.phone = "+33 1 71 75 84 68"
            let entry = try await fra.session.updateEntry(updated)
            #expect(entry.details == updated)
            #expect(entry.pocID == fra.id && entry.signingKey == fra.identity.publicKey)
            let listed = try await fra.session.directory().entries.first { $0.pocID == fra.id }
            #expect(listed?.details.entity == "ANSSI / CERT-FR")
            let token = try await fra.session.token()
            var bad = updated
            bad.languages = []
            let response = try await api.raw("PUT", "/v1/directory/me", json: bad, token: token)
            #expect(response.status == 422)
            #expect(try response.problem().detail.contains("languages"))
            let unauthenticated = try await api.raw("PUT", "/v1/directory/me", json: updated)
            #expect(unauthenticated.status == 401)
        }
    }

    @Test("POST /v1/keys/box rotates the encryption key under a valid certificate only")
    func rotateKey() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let newKey = BoxKeyPair()
            let certificate = KeyCertificate.issue(boxKey: newKey.publicKey, createdAt: .now(), identity: fra.identity)
            let entry = try await fra.session.rotateBoxKey(BoxKeyRotation(certificate))
            #expect(entry.keyCertificate.boxKey == newKey.publicKey)
            #expect(entry.hasValidKeyCertificate)
            let forged = KeyCertificate.issue(boxKey: BoxKeyPair().publicKey, createdAt: .now(), identity: SigningKeyPair())
            await expectStatus(422) { try await fra.session.rotateBoxKey(BoxKeyRotation(forged)) }
            let listed = try await fra.session.directory().entries.first { $0.pocID == fra.id }
            #expect(listed?.keyCertificate.boxKey == newKey.publicKey)
        }
    }
}
