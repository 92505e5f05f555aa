import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

@Suite("Public endpoints, enrolment and login")
struct AccessTests {
    @Test("GET /v1/relay describes the relay; its id is the fingerprint of its key")
    func relayInfo() async throws {
        try await withRelay { relay, api in
            let info = try await api.relayInfo()
            #expect(info.relayID == relay.service.relayID)
            #expect(Fingerprint(of: try SigningPublicKey(rawRepresentation: info.signingKey.data)).compact == info.relayID)
            #expect(info.version == 1)
            #expect(info.limits == .defaults)
            #expect(info.receiptWindows["flash"] == 900)
            #expect(info.receiptWindows["routine"] == Int64(7 * 86_400))
            #expect(try await api.health())
        }
    }

    @Test("GET / is a public overview of the mandate with no personal data (R6)")
    func landingPage() async throws {
        try await withRelay { relay, api in
            let poc = try await relay.enrol("FRA", .technical, api: api)
            let page = try await api.raw("GET", "/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("How a State joins"))
            #expect(html.contains("A/78/265"))
            #expect(!html.contains(poc.id.rawValue))
            #expect(!html.contains(poc.entry.details.email ?? "@"))
        }
    }

    @Test("enrolment: 201 once; the token then fails with 401, as does a made-up one")
    func enrolOnce() async throws {
        try await withRelay { relay, api in
            let invite = try await relay.service.invite(state: try StateCode("DEU"), role: .diplomatic)
            let identity = SigningKeyPair(), box = BoxKeyPair()
            let certificate = KeyCertificate.issue(boxKey: box.publicKey, createdAt: .now(), identity: identity)
            let request = EnrolRequest(
                token: invite.token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details())
            let raw = try await api.raw("POST", "/v1/enrol", json: request)
            #expect(raw.status == 201)
            let response = try raw.decode(EnrolResponse.self)
            #expect(response.pocID.rawValue == "DEU-DIP-1")
            #expect(response.entry.state.rawValue == "DEU" && response.entry.role == .diplomatic)
            #expect(response.entry.hasValidKeyCertificate)
            #expect(response.entry.fingerprint == Fingerprint(of: identity.publicKey))
            // Replay, and an unknown token: the same 401.
            let again = SigningKeyPair()
            let second = EnrolRequest(
                token: invite.token, signingKey: again.publicKey.rawRepresentation,
                keyCertificate: .issue(boxKey: box.publicKey, createdAt: .now(), identity: again), entry: details())
            let replay = try await api.raw("POST", "/v1/enrol", json: second)
            let forged = try await api.raw(
                "POST", "/v1/enrol",
                json: EnrolRequest(
                    token: "poc-invite-" + String(repeating: "ab", count: 32), signingKey: again.publicKey.rawRepresentation,
                    keyCertificate: .issue(boxKey: box.publicKey, createdAt: .now(), identity: again), entry: details()))
            #expect(replay.status == 401 && forged.status == 401)
            #expect(try replay.problem().detail == (try forged.problem().detail))
        }
    }

    @Test("enrolment refuses a bad key certificate (422), a bad entry (422), malformed JSON (400), a reused key (409)")
    func enrolErrors() async throws {
        try await withRelay { relay, api in
            let fra = try StateCode("FRA")
            let identity = SigningKeyPair(), box = BoxKeyPair()
            let good = KeyCertificate.issue(boxKey: box.publicKey, createdAt: .now(), identity: identity)
            let forged = KeyCertificate.issue(boxKey: box.publicKey, createdAt: .now(), identity: SigningKeyPair())
            var token = try await relay.service.invite(state: fra, role: .technical).token
            let badCert = try await api.raw(
                "POST", "/v1/enrol",
                json: EnrolRequest(token: token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: forged, entry: details()))
            #expect(badCert.status == 422)
            #expect(try badCert.problem().detail.contains("key_signature"))
            let badEntry = try await api.raw(
                "POST", "/v1/enrol",
                json: EnrolRequest(token: token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: good, entry: details(email: nil)))
            #expect(badEntry.status == 422)
            #expect(try badEntry.problem().detail.contains("email"))
            let malformed = try await api.raw("POST", "/v1/enrol", bytes: Data("{\"token\": ".utf8))
            #expect(malformed.status == 400)
            _ = try malformed.problem()
            let missing = try await api.raw("POST", "/v1/enrol", bytes: Data("{\"token\": \"x\"}".utf8))
            #expect(missing.status == 400)
            #expect(try missing.problem().detail.contains("signing_key"))
            // The failed attempts did not use the invitation up.
            let ok = try await api.raw(
                "POST", "/v1/enrol",
                json: EnrolRequest(token: token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: good, entry: details()))
            #expect(ok.status == 201)
            token = try await relay.service.invite(state: fra, role: .technical).token
            let reused = try await api.raw(
                "POST", "/v1/enrol",
                json: EnrolRequest(token: token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: good, entry: details()))
            #expect(reused.status == 409)
            _ = try reused.problem()
        }
    }

    @Test("login: a signed challenge gives a session; every bad attempt the same 401; challenges work once")
    func login() async throws {
        try await withRelay { relay, api in
            let poc = try await relay.enrol("FRA", .technical, api: api)
            let relayID = relay.service.relayID
            // Unknown ids get a challenge of the same shape.
            let unknown = try await api.challenge(pocID: "ZZZ-TEC-9")
            #expect(unknown.challenge.data.count == 32)
            let bad = try await api.raw("POST", "/v1/auth/challenge", json: ChallengeRequest(pocID: "../etc"))
            #expect(bad.status == 400)

            let challenge = try await api.challenge(pocID: poc.id.rawValue)
            let signature = AuthProof.sign(relayID: relayID, pocID: poc.id, challenge: challenge.challenge.data, identity: poc.identity)
            let session = try await api.session(SessionRequest(pocID: poc.id.rawValue, challenge: challenge.challenge.data, signature: signature))
            #expect(session.token.count == 64)
            #expect(session.expiresAt > Timestamp.now())
            let directory = try await api.directory(token: session.token)
            #expect(directory.entries.contains { $0.pocID == poc.id })

            var details: [String] = []
            // Replayed challenge.
            details.append(try await rejected(api, SessionRequest(pocID: poc.id.rawValue, challenge: challenge.challenge.data, signature: signature)))
            // Wrong key.
            let fresh = try await api.challenge(pocID: poc.id.rawValue)
            let wrong = AuthProof.sign(relayID: relayID, pocID: poc.id, challenge: fresh.challenge.data, identity: SigningKeyPair())
            details.append(try await rejected(api, SessionRequest(pocID: poc.id.rawValue, challenge: fresh.challenge.data, signature: wrong)))
            // Signed for another relay.
            let other = try await api.challenge(pocID: poc.id.rawValue)
            let elsewhere = AuthProof.sign(
                relayID: "00000000000000000000000000000000", pocID: poc.id, challenge: other.challenge.data, identity: poc.identity)
            details.append(try await rejected(api, SessionRequest(pocID: poc.id.rawValue, challenge: other.challenge.data, signature: elsewhere)))
            // Unknown POC, and a challenge never issued.
            details.append(try await rejected(api, SessionRequest(pocID: "ZZZ-TEC-9", challenge: unknown.challenge.data, signature: Data(count: 64))))
            details.append(try await rejected(api, SessionRequest(pocID: poc.id.rawValue, challenge: Data(count: 32), signature: signature)))
            #expect(Set(details).count == 1)
            // Bad bearer tokens.
            for header in ["Bearer nope", "Bearer " + String(repeating: "0", count: 64), "Basic abc", ""] {
                let response = try await api.http.send(
                    method: "GET", path: "/v1/directory", body: nil, headers: header.isEmpty ? [] : [("Authorization", header)], timeout: .seconds(10)
                )
                #expect(response.status == 401)
                #expect(try response.problem().detail == details[0])
            }
            // The scheme name is case-insensitive (RFC 9110, section 11.1); the token is not.
            for scheme in ["bearer", "BEARER"] {
                let response = try await api.http.send(
                    method: "GET", path: "/v1/directory", body: nil, headers: [("Authorization", "\(scheme) \(session.token)")],
                    timeout: .seconds(10))
                #expect(response.status == 200, "\(scheme)")
            }
            let shouted = try await api.http.send(
                method: "GET", path: "/v1/directory", body: nil, headers: [("Authorization", "Bearer \(session.token.uppercased())")],
                timeout: .seconds(10))
            #expect(shouted.status == 401)
        }
    }

    private func rejected(_ api: RelayAPIClient, _ request: SessionRequest) async throws -> String {
        let response = try await api.raw("POST", "/v1/auth/session", json: request)
        #expect(response.status == 401)
        return try response.problem().detail
    }

    @Test("an expired challenge is refused")
    func expiredChallenge() async throws {
        try await withRelay(configure: { $0.service.challengeLifetime = 1 }) { relay, api in
            let poc = try await relay.enrol("FRA", .technical, api: api)
            let challenge = try await api.challenge(pocID: poc.id.rawValue)
            try await Task.sleep(for: .milliseconds(2100))
            let signature = AuthProof.sign(relayID: relay.service.relayID, pocID: poc.id, challenge: challenge.challenge.data, identity: poc.identity)
            await expectStatus(401) {
                try await api.session(SessionRequest(pocID: poc.id.rawValue, challenge: challenge.challenge.data, signature: signature))
            }
        }
    }

    @Test("a revoked POC's session stops working at once, and it cannot log in again")
    func revocation() async throws {
        try await withRelay { relay, api in
            let poc = try await relay.enrol("FRA", .technical, api: api)
            let token = try await poc.session.token()
            #expect(try await api.directory(token: token).entries.count == 1)
            try await relay.service.revoke(pocID: poc.id)
            await expectStatus(401) { try await api.directory(token: token) }
            await expectStatus(401) { try await api.logIn(pocID: poc.id, identity: poc.identity, relayID: relay.service.relayID) }
        }
    }

    @Test("HTTPS with the dev CA works; a client that does not trust it cannot connect")
    func tlsTrust() async throws {
        try await withRelay { relay, api in
            #expect(try await api.health())
            let stranger = try RelayAPIClient(baseURL: relay.baseURL, trust: .systemStore)
            await #expect(throws: RelayClientError.self) { _ = try await stranger.health() }
            try await stranger.shutdown()
        }
    }
}
