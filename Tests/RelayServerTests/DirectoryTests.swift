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

    @Test(
        "GET /v1/directory carries an ETag of its body; If-None-Match with it is 304 without a body; any change, a last ping too, gives another tag and the 200"
    )
    func entityTag() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let token = try await fra.session.token()
            let first = try await api.raw("GET", "/v1/directory", token: token)
            let tag = try #require(first.header("ETag"))
            #expect(first.status == 200 && tag.hasPrefix("\"") && tag.hasSuffix("\"") && tag.count == 45)
            #expect(
                tag == "\""
                    + StrictBase64.encode(SHA256.hash(first.body)).replacingOccurrences(of: "+", with: "-")
                    .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "") + "\"")
            #expect(first.header("Cache-Control") == "no-store")
            func ask(_ ifNoneMatch: String) async throws -> RawResponse {
                try await api.http.send(
                    method: "GET", path: "/v1/directory", body: nil,
                    headers: [("Authorization", "Bearer \(token)"), ("If-None-Match", ifNoneMatch)], timeout: .seconds(30))
            }
            let same = try await ask(tag)
            #expect(same.status == 304 && same.body.isEmpty && same.header("ETag") == tag)
            #expect(try await ask("\"other\", W/\(tag)").status == 304)
            #expect(try await ask("\"other\"").status == 200)
            // Without a session the tag does not help: 401 as before.
            let anonymous = try await api.http.send(
                method: "GET", path: "/v1/directory", body: nil, headers: [("If-None-Match", tag)], timeout: .seconds(30))
            #expect(anonymous.status == 401)

            _ = try await relay.enrol("DEU", .technical, api: api)
            let enrolled = try await ask(tag)
            let next = try #require(enrolled.header("ETag"))
            #expect(enrolled.status == 200 && next != tag)
            // A ping changes FRA's last_ping, not the version: the tag changes all the same.
            let version = try WireJSON.decode(Directory.self, from: enrolled.body).version
            _ = try await relay.service.startCampaign()
            let pinged = try await ask(next)
            #expect(pinged.status == 200 && pinged.header("ETag") != next)
            #expect(try WireJSON.decode(Directory.self, from: pinged.body).version == version)
            // The typed client asks with the tag it kept and still sees every change.
            #expect(try await fra.session.directory().entries.count == 2)
            #expect(try await fra.session.directory().entries.count == 2)
            let kor = try await relay.enrol("KOR", .diplomatic, api: api)
            #expect(try await fra.session.directory().entries.first { $0.pocID == kor.id }?.status == .active)
            try await relay.service.revoke(pocID: kor.id)
            #expect(try await fra.session.directory().entries.first { $0.pocID == kor.id }?.status == .revoked)
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
