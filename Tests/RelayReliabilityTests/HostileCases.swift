import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

/// One hostile input to one endpoint of docs/protocol.md section 5, and what the
/// relay must answer.
struct HostileCase: Sendable, CustomTestStringConvertible {
    /// `METHOD /path` as in section 5.
    let endpoint: String
    /// What is wrong with the input.
    let input: String
    /// The status the relay must answer.
    let status: Int
    /// Tables the request may change (a refused request changes none).
    var mayChange: Set<String> = []
    /// When set, the problem body must be exactly this one (401 and 404 say
    /// the same for every cause).
    var sameAs: Problem?
    /// Relay settings for this case.
    var configure: @Sendable (inout RelayServerConfiguration) -> Void = { _ in }
    /// Builds the request, doing any preparation first (before the store snapshot).
    let request: @Sendable (Scene) async throws -> RawRequest
    /// Further checks of the answer.
    var check: @Sendable (Scene, RawResponse) async throws -> Void = { _, _ in }

    var testDescription: String { "\(endpoint): \(input) -> \(status)" }

    init(
        _ endpoint: String, _ input: String, _ status: Int, mayChange: Set<String> = [], sameAs: Problem? = nil,
        configure: @escaping @Sendable (inout RelayServerConfiguration) -> Void = { _ in },
        check: @escaping @Sendable (Scene, RawResponse) async throws -> Void = { _, _ in },
        _ request: @escaping @Sendable (Scene) async throws -> RawRequest
    ) {
        self.endpoint = endpoint
        self.input = input
        self.status = status
        self.mayChange = mayChange
        self.sameAs = sameAs ?? (status == 401 ? RelayFailure.unauthorized.problem : nil)
        self.configure = configure
        self.check = check
        self.request = request
    }
}

// MARK: Bodies every endpoint gets

/// Section 8: request bodies at most 2 MiB.
let overLimitBody = Data(repeating: 0x20, count: (2 << 20) + 1)
/// JSON cut short.
let malformedJSON = Data("{\"poc_id\": \"FRA-TEC-1\", ".utf8)

/// `json` with the bytes C3 28 (an invalid UTF-8 sequence) where `@` stands.
func invalidUTF8(_ json: String) -> Data {
    var data = Data()
    for part in json.split(separator: "@", omittingEmptySubsequences: false).enumerated() {
        if part.offset > 0 { data.append(contentsOf: [0xC3, 0x28]) }
        data.append(contentsOf: Array(part.element.utf8))
    }
    return data
}

/// The tables an enrolment writes.
let enrolTables: Set<String> = ["pocs", "invites", "states", "key_events", "meta"]
/// Percent-encoded ids meant to escape a path or a SQL string.
let pathTraversalID = "..%2F..%2F..%2Fetc%2Fpasswd"
let sqlID = "%27%20OR%20%271%27%3D%271"

extension HostileCase {
    /// Every case, one per input.
    static let all: [HostileCase] =
        publicCases + enrolCases + challengeCases + sessionCases + credentialCases + entryCases + keyCases + submitCases
        + inboxCases + receiptCases + statusCases + pingCases + auditCases

    // MARK: GET /v1/relay, GET /healthz, unknown routes

    static let publicCases: [HostileCase] = [
        HostileCase("GET /v1/relay", "POST instead of GET (no such route)", 404) { _ in RawRequest("POST", "/v1/relay", body: Data("{}".utf8)) },
        HostileCase("GET /healthz", "DELETE instead of GET (no such route)", 404) { _ in RawRequest("DELETE", "/healthz") },
        HostileCase("GET /v1/relay", "an unknown path under /v1", 404) { _ in RawRequest("GET", "/v1/relay/../../etc/passwd") },
        HostileCase("GET /v1/relay", "a path that is not a route", 404) { _ in RawRequest("GET", "/v1/relays%00") },
    ]

    // MARK: POST /v1/enrol

    static func invite(_ scene: Scene, state: String = "BRA", lifetime: Int64? = nil) async throws -> String {
        try await scene.relay.service.invite(state: StateCode(state), role: .technical, lifetime: lifetime).token
    }

    static func enrolBody(_ scene: Scene, _ edit: @escaping (inout [String: Any]) -> Void) async throws -> RawRequest {
        let token = try await invite(scene)
        return RawRequest("POST", "/v1/enrol", body: try JSONBody.edited(TestPOC.enrolRequest(token: token), edit))
    }

    static let enrolCases: [HostileCase] = [
        HostileCase("POST /v1/enrol", "malformed JSON", 400) { _ in RawRequest("POST", "/v1/enrol", body: malformedJSON) },
        HostileCase("POST /v1/enrol", "signing_key is a number", 400) { scene in try await enrolBody(scene) { $0["signing_key"] = 42 } },
        HostileCase("POST /v1/enrol", "key_signature missing", 400) { scene in
            try await enrolBody(scene) { $0.removeValue(forKey: "key_signature") }
        },
        HostileCase("POST /v1/enrol", "unknown field poc_id (choosing one's own id)", 400) { scene in
            try await enrolBody(scene) { $0["poc_id"] = "FRA-TEC-9" }
        },
        HostileCase("POST /v1/enrol", "unknown field entry.status", 400) { scene in
            try await enrolBody(scene) { body in
                var entry = body["entry"] as? [String: Any] ?? [:]
                entry["status"] = "active"
                body["entry"] = entry
            }
        },
        HostileCase("POST /v1/enrol", "invalid UTF-8 in entry.entity", 400) { scene in
            let token = try await invite(scene)
            let text = String(
                decoding: try JSONBody.edited(TestPOC.enrolRequest(token: token)) { body in
                    var entry = body["entry"] as? [String: Any] ?? [:]
                    entry["entity"] = "CERT-@"
                    body["entry"] = entry
                }, as: UTF8.self)
            return RawRequest("POST", "/v1/enrol", body: invalidUTF8(text))
        },
        HostileCase("POST /v1/enrol", "signing_key base64 with non-zero padding bits", 400) { scene in
            try await enrolBody(scene) { $0["signing_key"] = Base64Spelling.nonZeroTrailingBits($0["signing_key"] as? String ?? "") }
        },
        HostileCase("POST /v1/enrol", "signing_key not base64", 400) { scene in try await enrolBody(scene) { $0["signing_key"] = "not base64!" } },
        HostileCase("POST /v1/enrol", "signing_key of 31 bytes", 400) { scene in
            try await enrolBody(scene) { $0["signing_key"] = randomBytes(31).base64EncodedString() }
        },
        HostileCase("POST /v1/enrol", "body over 2 MiB", 413) { _ in RawRequest("POST", "/v1/enrol", body: overLimitBody) },
        HostileCase("POST /v1/enrol", "key_created_at in year 9999, validly signed", 422) { scene in
            let token = try await invite(scene)
            let request = TestPOC.enrolRequest(token: token, createdAt: try Timestamp(parsing: "9999-12-31T23:59:59Z"))
            return RawRequest("POST", "/v1/enrol", body: try WireJSON.encode(request))
        },
        HostileCase(
            "POST /v1/enrol", "key_created_at in year 1, validly signed (accepted as signed)", 201, mayChange: enrolTables,
            check: { scene, response in
                let enrolled = try response.decode(EnrolResponse.self)
                #expect(enrolled.entry.keyCertificate.createdAt.description == "0001-01-01T00:00:00Z")
                let listed = try await scene.fra.session.directory().entries.first { $0.pocID == enrolled.pocID }
                #expect(listed?.hasValidKeyCertificate == true)
            }
        ) { scene in
            let token = try await invite(scene)
            let request = TestPOC.enrolRequest(token: token, createdAt: try Timestamp(parsing: "0001-01-01T00:00:00Z"))
            return RawRequest("POST", "/v1/enrol", body: try WireJSON.encode(request))
        },
        HostileCase("POST /v1/enrol", "key_created_at with fractional seconds", 400) { scene in
            try await enrolBody(scene) { $0["key_created_at"] = "2026-11-22T10:00:00.000Z" }
        },
        HostileCase("POST /v1/enrol", "key_signature made by another identity", 422) { scene in
            let token = try await invite(scene)
            let forged = KeyCertificate.issue(boxKey: BoxKeyPair().publicKey, createdAt: .now(), identity: SigningKeyPair())
            let details = EntryDetails(kind: .institution, entity: "X", email: "x@example.org", languages: ["en"], entryLanguage: .en)
            let request = EnrolRequest(token: token, signingKey: SigningKeyPair().publicKey.rawRepresentation, keyCertificate: forged, entry: details)
            return RawRequest("POST", "/v1/enrol", body: try WireJSON.encode(request))
        },
        HostileCase("POST /v1/enrol", "a forged invitation token", 401) { _ in
            RawRequest("POST", "/v1/enrol", body: try WireJSON.encode(TestPOC.enrolRequest(token: "poc-invite-" + randomBytes(32).lowercaseHex)))
        },
        HostileCase("POST /v1/enrol", "an invitation token already used", 401) { scene in
            let token = try await invite(scene)
            _ = try await scene.api.enrol(TestPOC.enrolRequest(token: token))
            return RawRequest("POST", "/v1/enrol", body: try WireJSON.encode(TestPOC.enrolRequest(token: token)))
        },
        HostileCase("POST /v1/enrol", "an expired invitation token", 401) { scene in
            let token = try await invite(scene, lifetime: 0)
            return RawRequest("POST", "/v1/enrol", body: try WireJSON.encode(TestPOC.enrolRequest(token: token)))
        },
        HostileCase(
            "POST /v1/enrol", "SQL metacharacters in entry.entity (stored as text)", 201, mayChange: enrolTables,
            check: { scene, response in
                let enrolled = try response.decode(EnrolResponse.self)
                let listed = try await scene.fra.session.directory().entries.first { $0.pocID == enrolled.pocID }
                #expect(listed?.details.entity == "x'); DROP TABLE pocs; --")
            }
        ) { scene in
            let token = try await invite(scene)
            return RawRequest("POST", "/v1/enrol", body: try WireJSON.encode(TestPOC.enrolRequest(token: token, entity: "x'); DROP TABLE pocs; --")))
        },
        HostileCase("POST /v1/enrol", "a line break and ESC in entry.entity", 422) { scene in
            let token = try await invite(scene)
            return RawRequest("POST", "/v1/enrol", body: try WireJSON.encode(TestPOC.enrolRequest(token: token, entity: "CERT\n\u{1B}[31m")))
        },
        HostileCase("POST /v1/enrol", "entry.kind not in the enumeration", 422) { scene in
            try await enrolBody(scene) { body in
                var entry = body["entry"] as? [String: Any] ?? [:]
                entry["kind"] = "robot"
                body["entry"] = entry
            }
        },
    ]

    // MARK: POST /v1/auth/challenge

    static let challengeCases: [HostileCase] = [
        HostileCase("POST /v1/auth/challenge", "malformed JSON", 400) { _ in RawRequest("POST", "/v1/auth/challenge", body: malformedJSON) },
        HostileCase("POST /v1/auth/challenge", "poc_id is a number", 400) { _ in
            RawRequest("POST", "/v1/auth/challenge", body: Data("{\"poc_id\": 42}".utf8))
        },
        HostileCase("POST /v1/auth/challenge", "poc_id missing", 400) { _ in RawRequest("POST", "/v1/auth/challenge", body: Data("{}".utf8)) },
        HostileCase("POST /v1/auth/challenge", "unknown field", 400) { _ in
            RawRequest("POST", "/v1/auth/challenge", body: Data("{\"poc_id\": \"FRA-TEC-1\", \"role\": \"custodian\"}".utf8))
        },
        HostileCase("POST /v1/auth/challenge", "invalid UTF-8", 400) { _ in
            RawRequest("POST", "/v1/auth/challenge", body: invalidUTF8("{\"poc_id\": \"FRA-@\"}"))
        },
        HostileCase("POST /v1/auth/challenge", "body over 2 MiB", 413) { _ in RawRequest("POST", "/v1/auth/challenge", body: overLimitBody) },
        HostileCase("POST /v1/auth/challenge", "poc_id with a path", 400) { _ in
            RawRequest("POST", "/v1/auth/challenge", body: try JSONBody.data(["poc_id": "../../etc/passwd"]))
        },
        HostileCase("POST /v1/auth/challenge", "poc_id with SQL", 400) { _ in
            RawRequest("POST", "/v1/auth/challenge", body: try JSONBody.data(["poc_id": "FRA-TEC-1' OR '1'='1"]))
        },
        HostileCase("POST /v1/auth/challenge", "poc_id of 65 characters", 400) { _ in
            RawRequest("POST", "/v1/auth/challenge", body: try JSONBody.data(["poc_id": String(repeating: "A", count: 65)]))
        },
        HostileCase("POST /v1/auth/challenge", "a JSON array", 400) { _ in RawRequest("POST", "/v1/auth/challenge", body: Data("[]".utf8)) },
        HostileCase(
            "POST /v1/auth/challenge", "an unknown poc_id (answered like a known one)", 200, mayChange: ["challenges"],
            check: { _, response in
                let challenge = try response.decode(ChallengeResponse.self)
                #expect(challenge.challenge.data.count == 32)
            }
        ) { _ in RawRequest("POST", "/v1/auth/challenge", body: try JSONBody.data(["poc_id": "ZZZ-TEC-1"])) },
    ]

    // MARK: POST /v1/auth/session

    /// A fresh challenge for `poc` and the session body signing it with `identity` for `relayID`.
    static func sessionBody(
        _ scene: Scene, for pocID: String, challengeFor: String? = nil, identity: SigningKeyPair, relayID: String? = nil
    ) async throws -> (SessionRequest, ChallengeResponse) {
        let challenge = try await scene.api.challenge(pocID: challengeFor ?? pocID)
        let signature = AuthProof.sign(
            relayID: relayID ?? scene.relay.service.relayID, pocID: try POCID(pocID), challenge: challenge.challenge.data, identity: identity)
        return (SessionRequest(pocID: pocID, challenge: challenge.challenge.data, signature: signature), challenge)
    }

    static let sessionCases: [HostileCase] = [
        HostileCase("POST /v1/auth/session", "malformed JSON", 400) { _ in RawRequest("POST", "/v1/auth/session", body: malformedJSON) },
        HostileCase("POST /v1/auth/session", "signature missing", 400) { scene in
            let (body, _) = try await sessionBody(scene, for: scene.fra.id.rawValue, identity: scene.fra.identity)
            return RawRequest("POST", "/v1/auth/session", body: try JSONBody.edited(body) { $0.removeValue(forKey: "signature") })
        },
        HostileCase("POST /v1/auth/session", "unknown field", 400) { scene in
            let (body, _) = try await sessionBody(scene, for: scene.fra.id.rawValue, identity: scene.fra.identity)
            return RawRequest("POST", "/v1/auth/session", body: try JSONBody.edited(body) { $0["lifetime"] = 999_999 })
        },
        HostileCase("POST /v1/auth/session", "challenge base64 without padding", 400) { scene in
            let (body, _) = try await sessionBody(scene, for: scene.fra.id.rawValue, identity: scene.fra.identity)
            return RawRequest(
                "POST", "/v1/auth/session", body: try JSONBody.edited(body) { $0["challenge"] = Base64Spelling.unpadded(body.challenge.base64) })
        },
        HostileCase("POST /v1/auth/session", "a replayed challenge", 401) { scene in
            let (body, _) = try await sessionBody(scene, for: scene.fra.id.rawValue, identity: scene.fra.identity)
            _ = try await scene.api.session(body)
            return RawRequest("POST", "/v1/auth/session", body: try WireJSON.encode(body))
        },
        HostileCase(
            "POST /v1/auth/session", "an expired challenge", 401, configure: { $0.service.challengeLifetime = 6 }
        ) { scene in
            let (body, challenge) = try await sessionBody(scene, for: scene.fra.id.rawValue, identity: scene.fra.identity)
            try await sleep(until: challenge.expiresAt.date.addingTimeInterval(0.2))
            return RawRequest("POST", "/v1/auth/session", body: try WireJSON.encode(body))
        },
        HostileCase("POST /v1/auth/session", "signed by another key", 401, mayChange: ["challenges"]) { scene in
            let (body, _) = try await sessionBody(scene, for: scene.fra.id.rawValue, identity: scene.kor.identity)
            return RawRequest("POST", "/v1/auth/session", body: try WireJSON.encode(body))
        },
        HostileCase("POST /v1/auth/session", "signed for another relay id", 401, mayChange: ["challenges"]) { scene in
            let (body, _) = try await sessionBody(
                scene, for: scene.fra.id.rawValue, identity: scene.fra.identity, relayID: String(repeating: "0", count: 32))
            return RawRequest("POST", "/v1/auth/session", body: try WireJSON.encode(body))
        },
        HostileCase("POST /v1/auth/session", "a challenge issued for another POC", 401) { scene in
            let (body, _) = try await sessionBody(
                scene, for: scene.fra.id.rawValue, challengeFor: scene.deu.id.rawValue, identity: scene.fra.identity)
            return RawRequest("POST", "/v1/auth/session", body: try WireJSON.encode(body))
        },
        HostileCase("POST /v1/auth/session", "an unknown poc_id", 401, mayChange: ["challenges"]) { scene in
            let (body, _) = try await sessionBody(scene, for: "ZZZ-TEC-1", identity: SigningKeyPair())
            return RawRequest("POST", "/v1/auth/session", body: try WireJSON.encode(body))
        },
        HostileCase("POST /v1/auth/session", "poc_id with a path", 401) { scene in
            let (body, _) = try await sessionBody(scene, for: scene.fra.id.rawValue, identity: scene.fra.identity)
            return RawRequest("POST", "/v1/auth/session", body: try JSONBody.edited(body) { $0["poc_id"] = "../FRA-TEC-1" })
        },
        HostileCase("POST /v1/auth/session", "a signature of 10 bytes", 401, mayChange: ["challenges"]) { scene in
            let (body, _) = try await sessionBody(scene, for: scene.fra.id.rawValue, identity: scene.fra.identity)
            return RawRequest("POST", "/v1/auth/session", body: try JSONBody.edited(body) { $0["signature"] = randomBytes(10).base64EncodedString() })
        },
    ]

    // MARK: Bearer tokens (GET /v1/directory stands for every authenticated endpoint)

    static let credentialCases: [HostileCase] = [
        HostileCase("GET /v1/directory", "no Authorization header", 401) { _ in RawRequest("GET", "/v1/directory") },
        HostileCase("GET /v1/directory", "a forged token of 64 hex digits", 401) { _ in
            RawRequest("GET", "/v1/directory", token: randomBytes(32).lowercaseHex)
        },
        HostileCase("GET /v1/directory", "a token one character short", 401) { scene in
            RawRequest("GET", "/v1/directory", token: String(scene.token(scene.fra).dropLast()))
        },
        HostileCase("GET /v1/directory", "the Basic scheme", 401) { scene in
            RawRequest("GET", "/v1/directory").authorization("Basic " + Data("FRA-TEC-1:\(scene.token(scene.fra))".utf8).base64EncodedString())
        },
        HostileCase("GET /v1/directory", "SQL in the token", 401) { _ in
            RawRequest("GET", "/v1/directory", token: ("' OR 1=1 --" + String(repeating: "a", count: 64)).prefix(64).description)
        },
        HostileCase("GET /v1/directory", "an expired token", 401, configure: { $0.service.sessionLifetime = 8 }) { scene in
            let session = try await scene.api.logIn(pocID: scene.fra.id, identity: scene.fra.identity, relayID: scene.relay.service.relayID)
            try await sleep(until: session.expiresAt.date.addingTimeInterval(0.2))
            return RawRequest("GET", "/v1/directory", token: session.token)
        },
        HostileCase("GET /v1/directory", "the token of a revoked POC", 401) { scene in
            try await scene.relay.service.revoke(pocID: scene.kor.id)
            return RawRequest("GET", "/v1/directory", token: scene.token(scene.kor))
        },
        HostileCase("GET /v1/pings", "no Authorization header", 401) { _ in RawRequest("GET", "/v1/pings") },
        HostileCase("GET /v1/inbox", "a forged token", 401) { _ in RawRequest("GET", "/v1/inbox", token: randomBytes(32).lowercaseHex) },
    ]

    // MARK: PUT /v1/directory/me

    static func entryBody(_ scene: Scene, _ edit: @escaping (inout [String: Any]) -> Void) throws -> RawRequest {
        let details = EntryDetails(kind: .institution, entity: "CERT-FR", email: "cert@example.org", languages: ["fr"], entryLanguage: .fr)
        return RawRequest("PUT", "/v1/directory/me", body: try JSONBody.edited(details, edit), token: scene.token(scene.fra))
    }

    static let entryCases: [HostileCase] = [
        HostileCase("PUT /v1/directory/me", "malformed JSON", 400) { scene in
            RawRequest("PUT", "/v1/directory/me", body: malformedJSON, token: scene.token(scene.fra))
        },
        HostileCase("PUT /v1/directory/me", "languages is a string", 400) { scene in try entryBody(scene) { $0["languages"] = "fr" } },
        HostileCase("PUT /v1/directory/me", "entity missing", 400) { scene in try entryBody(scene) { $0.removeValue(forKey: "entity") } },
        HostileCase("PUT /v1/directory/me", "unknown field signing_key (changing keys)", 400) { scene in
            try entryBody(scene) { $0["signing_key"] = scene.kor.identity.publicKey.rawRepresentation.base64EncodedString() }
        },
        HostileCase("PUT /v1/directory/me", "unknown field state (changing state)", 400) { scene in try entryBody(scene) { $0["state"] = "USA" } },
        HostileCase("PUT /v1/directory/me", "unknown field inside translation_en", 400) { scene in
            try entryBody(scene) { $0["translation_en"] = ["entity": "CERT-FR", "motto": "x"] }
        },
        HostileCase("PUT /v1/directory/me", "invalid UTF-8", 400) { scene in
            RawRequest(
                "PUT", "/v1/directory/me",
                body: invalidUTF8(
                    "{\"kind\":\"institution\",\"entity\":\"@\",\"email\":\"a@b.org\",\"languages\":[\"fr\"],\"entry_language\":\"fr\"}"),
                token: scene.token(scene.fra))
        },
        HostileCase("PUT /v1/directory/me", "body over 2 MiB", 413) { scene in
            RawRequest("PUT", "/v1/directory/me", body: overLimitBody, token: scene.token(scene.fra))
        },
        HostileCase("PUT /v1/directory/me", "control characters in entity", 422) { scene in try entryBody(scene) { $0["entity"] = "CERT\u{7}FR" } },
        HostileCase("PUT /v1/directory/me", "an e-mail address without @", 422) { scene in try entryBody(scene) { $0["email"] = "cert.example.org" }
        },
    ]

    // MARK: POST /v1/keys/box

    static func keyRequest(_ scene: Scene, _ rotation: BoxKeyRotation) throws -> RawRequest {
        RawRequest("POST", "/v1/keys/box", body: try WireJSON.encode(rotation), token: scene.token(scene.fra))
    }

    static func keyBody(_ scene: Scene, _ edit: @escaping (inout [String: Any]) -> Void) throws -> RawRequest {
        RawRequest("POST", "/v1/keys/box", body: try JSONBody.edited(scene.fra.rotation(), edit), token: scene.token(scene.fra))
    }

    static let keyCases: [HostileCase] = [
        HostileCase("POST /v1/keys/box", "malformed JSON", 400) { scene in
            RawRequest("POST", "/v1/keys/box", body: malformedJSON, token: scene.token(scene.fra))
        },
        HostileCase("POST /v1/keys/box", "key_signature missing", 400) { scene in try keyBody(scene) { $0.removeValue(forKey: "key_signature") } },
        HostileCase("POST /v1/keys/box", "unknown field", 400) { scene in try keyBody(scene) { $0["signing_key"] = "AAAA" } },
        HostileCase("POST /v1/keys/box", "box_key in URL-safe base64", 400) { scene in
            try keyBody(scene) { $0["box_key"] = Base64Spelling.urlSafe($0["box_key"] as? String ?? "") }
        },
        HostileCase("POST /v1/keys/box", "box_key of 33 bytes", 400) { scene in
            try keyBody(scene) { $0["box_key"] = randomBytes(33).base64EncodedString() }
        },
        HostileCase("POST /v1/keys/box", "body over 2 MiB", 413) { scene in
            RawRequest("POST", "/v1/keys/box", body: overLimitBody, token: scene.token(scene.fra))
        },
        HostileCase("POST /v1/keys/box", "key_signature made by another identity", 422) { scene in
            try keyRequest(
                scene, BoxKeyRotation(KeyCertificate.issue(boxKey: BoxKeyPair().publicKey, createdAt: .now(), identity: scene.kor.identity)))
        },
        HostileCase("POST /v1/keys/box", "key_created_at in year 1, validly signed (older than the current key)", 422) { scene in
            try keyRequest(scene, scene.fra.rotation(createdAt: try Timestamp(parsing: "0001-01-01T00:00:00Z")))
        },
        HostileCase("POST /v1/keys/box", "key_created_at in year 9999, validly signed", 422) { scene in
            try keyRequest(scene, scene.fra.rotation(createdAt: try Timestamp(parsing: "9999-12-31T23:59:59Z")))
        },
        HostileCase("POST /v1/keys/box", "the previous certificate replayed (key rollback)", 422) { scene in
            _ = try await scene.fra.session.rotateBoxKey(scene.fra.rotation())
            return try keyRequest(scene, BoxKeyRotation(scene.fra.entry.keyCertificate))
        },
        HostileCase(
            "POST /v1/keys/box", "the current certificate sent again (changes nothing)", 200,
            check: { scene, response in
                let entry = try response.decode(DirectoryEntry.self)
                #expect(entry.keyCertificate == scene.fra.entry.keyCertificate)
            }
        ) { scene in try keyRequest(scene, BoxKeyRotation(scene.fra.entry.keyCertificate)) },
    ]

    // MARK: POST /v1/messages

    static func submitRequest(_ scene: Scene, _ envelope: Envelope, as poc: TestPOC? = nil) throws -> RawRequest {
        RawRequest("POST", "/v1/messages", body: try WireJSON.encode(envelope), token: scene.token(poc ?? scene.fra))
    }

    static func submitBody(_ scene: Scene, _ edit: @escaping (inout [String: Any]) -> Void) throws -> RawRequest {
        RawRequest("POST", "/v1/messages", body: try JSONBody.edited(try scene.fra.seal(to: [scene.deu]), edit), token: scene.token(scene.fra))
    }

    /// An envelope to `count` made-up recipients (keys only for DEU).
    static func crowd(_ scene: Scene, count: Int) throws -> RawRequest {
        try submitBody(scene) { body in
            body["to"] = (1...count).map { "ZZZ-TEC-\($0)" }
        }
    }

    static let submitCases: [HostileCase] = [
        HostileCase("POST /v1/messages", "malformed JSON", 400) { scene in
            RawRequest("POST", "/v1/messages", body: malformedJSON, token: scene.token(scene.fra))
        },
        HostileCase("POST /v1/messages", "exercise is a string", 400) { scene in try submitBody(scene) { $0["exercise"] = "no" } },
        HostileCase("POST /v1/messages", "body missing", 400) { scene in try submitBody(scene) { $0.removeValue(forKey: "body") } },
        HostileCase("POST /v1/messages", "unknown field", 400) { scene in try submitBody(scene) { $0["subject"] = "in clear, by mistake" } },
        HostileCase("POST /v1/messages", "invalid UTF-8", 400) { scene in
            let text = String(decoding: try submitBody(scene) { $0["urgency"] = "rout@ine" }.body ?? Data(), as: UTF8.self)
            return RawRequest("POST", "/v1/messages", body: invalidUTF8(text), token: scene.token(scene.fra))
        },
        HostileCase("POST /v1/messages", "body base64 with non-zero padding bits", 400) { scene in
            var envelope = try scene.fra.seal(to: [scene.deu])
            while envelope.body.count % 3 == 0 {
                envelope = try scene.fra.seal(to: [scene.deu], body: "Body" + String(repeating: "x", count: Int.random(in: 1...2)))
            }
            let base64 = envelope.body.base64EncodedString()
            return RawRequest(
                "POST", "/v1/messages", body: try JSONBody.edited(envelope) { $0["body"] = Base64Spelling.nonZeroTrailingBits(base64) },
                token: scene.token(scene.fra))
        },
        HostileCase("POST /v1/messages", "commitment not base64", 400) { scene in try submitBody(scene) { $0["commitment"] = "%%%%" } },
        HostileCase("POST /v1/messages", "commitment of 31 bytes", 400) { scene in
            try submitBody(scene) { $0["commitment"] = randomBytes(31).base64EncodedString() }
        },
        HostileCase("POST /v1/messages", "a wrapped key of 79 bytes", 400) { scene in
            try submitBody(scene) { $0["keys"] = [scene.deu.id.rawValue: randomBytes(79).base64EncodedString()] }
        },
        HostileCase("POST /v1/messages", "keys naming someone not in to", 400) { scene in
            try submitBody(scene) { $0["keys"] = [scene.kor.id.rawValue: randomBytes(80).base64EncodedString()] }
        },
        HostileCase("POST /v1/messages", "an id with a path", 422) { scene in try submitBody(scene) { $0["id"] = "../../../etc/passwd" } },
        HostileCase("POST /v1/messages", "an id with SQL", 422) { scene in try submitBody(scene) { $0["id"] = "'; DROP TABLE envelopes; --" } },
        HostileCase("POST /v1/messages", "an id in uppercase hex", 422) { scene in
            try submitBody(scene) { $0["id"] = MessageID.random().rawValue.uppercased() }
        },
        HostileCase("POST /v1/messages", "a recipient id with SQL", 422) { scene in
            try submitBody(scene) { $0["to"] = ["DEU-TEC-1' OR '1'='1"] }
        },
        HostileCase("POST /v1/messages", "protocol version 2", 400) { scene in try submitBody(scene) { $0["v"] = 2 } },
        HostileCase("POST /v1/messages", "a huge number for v", 400) { scene in
            let text = String(decoding: try submitBody(scene) { $0["v"] = 7 }.body ?? Data(), as: UTF8.self)
            return RawRequest(
                "POST", "/v1/messages", body: Data(text.replacingOccurrences(of: "\"v\":7", with: "\"v\":1e400").utf8), token: scene.token(scene.fra))
        },
        HostileCase(
            "POST /v1/messages", "a 100 kB dictionary key with bad base64 (the detail stays short and printable)", 400,
            check: { _, response in
                let detail = try response.problem().detail
                #expect(detail.count < 400, "detail of \(detail.count) characters")
                #expect(detail.unicodeScalars.allSatisfy { (0x20..<0x7F).contains($0.value) })
            }
        ) { scene in
            try submitBody(scene) { $0["keys"] = [String(repeating: "A", count: 100_000) + "\u{1B}[2J": "!!!"] }
        },
        HostileCase("POST /v1/messages", "from another POC", 403) { scene in try submitRequest(scene, try scene.deu.seal(to: [scene.kor])) },
        HostileCase("POST /v1/messages", "to a diplomatic POC of another state (routing rule)", 403) { scene in
            let diplomat = try await scene.relay.enrol("BRA", .diplomatic, api: scene.api)
            return try submitRequest(scene, try scene.fra.seal(to: [diplomat]))
        },
        HostileCase("POST /v1/messages", "an unknown recipient", 422) { scene in
            try submitBody(scene) { body in
                body["to"] = ["ZZZ-TEC-1"]
                body["keys"] = ["ZZZ-TEC-1": randomBytes(80).base64EncodedString()]
            }
        },
        HostileCase("POST /v1/messages", "the same recipient twice", 422) { scene in
            try submitBody(scene) { $0["to"] = [scene.deu.id.rawValue, scene.deu.id.rawValue] }
        },
        HostileCase("POST /v1/messages", "a revoked recipient", 422) { scene in
            try await scene.relay.service.revoke(pocID: scene.kor.id)
            return try submitRequest(scene, try scene.fra.seal(to: [scene.deu, scene.kor]))
        },
        HostileCase("POST /v1/messages", "no recipient", 422) { scene in
            try submitBody(scene) { body in
                body["to"] = [String]()
                body["keys"] = [String: String]()
            }
        },
        HostileCase("POST /v1/messages", "10,000 recipients", 413) { scene in try crowd(scene, count: 10_000) },
        HostileCase("POST /v1/messages", "a body over 1 MiB in a request under 2 MiB", 413) { scene in
            var envelope = try scene.fra.seal(to: [scene.deu])
            envelope.body = randomBytes((1 << 20) + 1)
            return try submitRequest(scene, envelope)
        },
        HostileCase("POST /v1/messages", "a request over 2 MiB", 413) { scene in
            RawRequest("POST", "/v1/messages", body: overLimitBody, token: scene.token(scene.fra))
        },
        HostileCase("POST /v1/messages", "another envelope with a used id", 409) { scene in
            var envelope = try scene.fra.seal(to: [scene.deu], body: "different")
            envelope.id = scene.message.id
            return try submitRequest(scene, envelope)
        },
        HostileCase(
            "POST /v1/messages", "the identical envelope again (changes nothing)", 200,
            check: { scene, response in
                let answer = try response.decode(SubmitResponse.self)
                #expect(answer.id == scene.message.id)
            }
        ) { scene in try submitRequest(scene, scene.message) },
    ]

    // MARK: GET /v1/inbox

    static let inboxCases: [HostileCase] = [
        HostileCase("GET /v1/inbox", "wait=-1", 400) { scene in RawRequest("GET", "/v1/inbox", token: scene.token(scene.deu), query: [("wait", "-1")])
        },
        HostileCase("GET /v1/inbox", "wait=abc", 400) { scene in
            RawRequest("GET", "/v1/inbox", token: scene.token(scene.deu), query: [("wait", "abc")])
        },
        HostileCase("GET /v1/inbox", "limit=0", 400) { scene in RawRequest("GET", "/v1/inbox", token: scene.token(scene.deu), query: [("limit", "0")])
        },
        HostileCase("GET /v1/inbox", "limit beyond 64 bits", 400) { scene in
            RawRequest("GET", "/v1/inbox", token: scene.token(scene.deu), query: [("limit", "99999999999999999999999")])
        },
    ]

    // MARK: POST /v1/messages/{id}/receipt

    static func receiptPath(_ id: String) -> String { "/v1/messages/\(id)/receipt" }

    static func receipt(_ scene: Scene, id: String? = nil, by poc: TestPOC, signer: SigningKeyPair? = nil, body: Data? = nil) throws -> RawRequest {
        let messageID = id ?? scene.message.id.rawValue
        let signature = Receipt.sign(
            messageID: try MessageID(messageID), recipient: poc.id, body: body ?? scene.message.body, identity: signer ?? poc.identity)
        return RawRequest("POST", receiptPath(messageID), body: try WireJSON.encode(SignatureBody(signature: signature)), token: scene.token(poc))
    }

    static let receiptCases: [HostileCase] = [
        HostileCase("POST /v1/messages/{id}/receipt", "another POC's message", 404, sameAs: RelayFailure.notFound.problem) { scene in
            try receipt(scene, by: scene.kor)
        },
        HostileCase("POST /v1/messages/{id}/receipt", "an unknown message id", 404, sameAs: RelayFailure.notFound.problem) { scene in
            try receipt(scene, id: unusedMessageID(), by: scene.deu)
        },
        HostileCase("POST /v1/messages/{id}/receipt", "its own message, as the sender", 404, sameAs: RelayFailure.notFound.problem) { scene in
            try receipt(scene, by: scene.fra)
        },
        HostileCase("POST /v1/messages/{id}/receipt", "an id with a path", 404) { scene in
            var request = try receipt(scene, by: scene.deu)
            request.path = receiptPath(pathTraversalID)
            return request
        },
        HostileCase("POST /v1/messages/{id}/receipt", "an id with SQL", 404, sameAs: RelayFailure.notFound.problem) { scene in
            var request = try receipt(scene, by: scene.deu)
            request.path = receiptPath(sqlID)
            return request
        },
        HostileCase("POST /v1/messages/{id}/receipt", "signed by another POC's key", 422) { scene in
            try receipt(scene, by: scene.deu, signer: scene.kor.identity)
        },
        HostileCase("POST /v1/messages/{id}/receipt", "signed over another body", 422) { scene in
            try receipt(scene, by: scene.deu, body: randomBytes(64))
        },
        HostileCase("POST /v1/messages/{id}/receipt", "a signature of 32 bytes", 422) { scene in
            RawRequest(
                "POST", receiptPath(scene.message.id.rawValue), body: try WireJSON.encode(SignatureBody(signature: randomBytes(32))),
                token: scene.token(scene.deu))
        },
        HostileCase("POST /v1/messages/{id}/receipt", "signature base64 without padding", 400) { scene in
            let signature = Receipt.sign(messageID: scene.message.id, recipient: scene.deu.id, body: scene.message.body, identity: scene.deu.identity)
            return RawRequest(
                "POST", receiptPath(scene.message.id.rawValue),
                body: try JSONBody.data(["signature": Base64Spelling.unpadded(signature.base64EncodedString())]), token: scene.token(scene.deu))
        },
        HostileCase("POST /v1/messages/{id}/receipt", "unknown field", 400) { scene in
            var request = try receipt(scene, by: scene.deu)
            request.body = try JSONBody.data(["signature": randomBytes(64).base64EncodedString(), "recipient": "KOR-TEC-1"])
            return request
        },
        HostileCase("POST /v1/messages/{id}/receipt", "malformed JSON", 400) { scene in
            RawRequest("POST", receiptPath(scene.message.id.rawValue), body: malformedJSON, token: scene.token(scene.deu))
        },
        HostileCase("POST /v1/messages/{id}/receipt", "body over 2 MiB", 413) { scene in
            RawRequest("POST", receiptPath(scene.message.id.rawValue), body: overLimitBody, token: scene.token(scene.deu))
        },
    ]

    // MARK: GET /v1/messages/{id}/status

    static func statusRequest(_ id: String, _ token: String) -> RawRequest { RawRequest("GET", "/v1/messages/\(id)/status", token: token) }

    static let statusCases: [HostileCase] = [
        HostileCase("GET /v1/messages/{id}/status", "another POC's message", 404, sameAs: RelayFailure.notFound.problem) { scene in
            statusRequest(scene.message.id.rawValue, scene.token(scene.kor))
        },
        HostileCase("GET /v1/messages/{id}/status", "a message received, not sent", 404, sameAs: RelayFailure.notFound.problem) { scene in
            statusRequest(scene.message.id.rawValue, scene.token(scene.deu))
        },
        HostileCase("GET /v1/messages/{id}/status", "an unknown message id", 404, sameAs: RelayFailure.notFound.problem) { scene in
            statusRequest(unusedMessageID(), scene.token(scene.fra))
        },
        HostileCase("GET /v1/messages/{id}/status", "an id with SQL", 404, sameAs: RelayFailure.notFound.problem) { scene in
            statusRequest(sqlID, scene.token(scene.fra))
        },
        HostileCase("GET /v1/messages/{id}/status", "an id with a path", 404) { scene in statusRequest(pathTraversalID, scene.token(scene.fra)) },
    ]

    // MARK: GET /v1/pings, POST /v1/pings/{id}/answer

    static func answer(
        _ scene: Scene, ping: Ping?, by poc: TestPOC, signer: SigningKeyPair? = nil, challenge: Data? = nil, id: String? = nil
    )
        throws -> RawRequest
    {
        let pingID = id ?? ping?.pingID ?? "ping-0000000000000000"
        let signature = PingAnswer.sign(
            pingID: pingID, challenge: challenge ?? ping?.challenge.data ?? randomBytes(32), identity: signer ?? poc.identity)
        return RawRequest(
            "POST", "/v1/pings/\(pingID)/answer", body: try WireJSON.encode(SignatureBody(signature: signature)), token: scene.token(poc))
    }

    static let pingCases: [HostileCase] = [
        HostileCase("POST /v1/pings/{id}/answer", "another POC's ping", 404, sameAs: RelayFailure.notFound.problem) { scene in
            try answer(scene, ping: scene.pings[scene.fra.id], by: scene.kor)
        },
        HostileCase("POST /v1/pings/{id}/answer", "an unknown ping id", 404, sameAs: RelayFailure.notFound.problem) { scene in
            try answer(scene, ping: nil, by: scene.fra)
        },
        HostileCase("POST /v1/pings/{id}/answer", "an id with SQL", 404, sameAs: RelayFailure.notFound.problem) { scene in
            try answer(scene, ping: nil, by: scene.fra, id: "%27%3B%20DROP%20TABLE%20pings%3B--")
        },
        HostileCase("POST /v1/pings/{id}/answer", "signed by another POC's key", 422) { scene in
            try answer(scene, ping: scene.pings[scene.fra.id], by: scene.fra, signer: scene.kor.identity)
        },
        HostileCase("POST /v1/pings/{id}/answer", "signed over another challenge", 422) { scene in
            try answer(scene, ping: scene.pings[scene.fra.id], by: scene.fra, challenge: randomBytes(32))
        },
        HostileCase("POST /v1/pings/{id}/answer", "malformed JSON", 400) { scene in
            var request = try answer(scene, ping: scene.pings[scene.fra.id], by: scene.fra)
            request.body = malformedJSON
            return request
        },
        HostileCase("POST /v1/pings/{id}/answer", "unknown field", 400) { scene in
            var request = try answer(scene, ping: scene.pings[scene.fra.id], by: scene.fra)
            request.body = try JSONBody.data(["signature": randomBytes(64).base64EncodedString(), "on_time": true])
            return request
        },
        HostileCase("POST /v1/pings/{id}/answer", "body over 2 MiB", 413) { scene in
            var request = try answer(scene, ping: scene.pings[scene.fra.id], by: scene.fra)
            request.body = overLimitBody
            return request
        },
    ]

    // MARK: GET /v1/audit/pings, GET /v1/audit/delivery

    static let auditCases: [HostileCase] = [
        HostileCase("GET /v1/audit/pings", "a technical POC asking", 403) { scene in
            RawRequest("GET", "/v1/audit/pings", token: scene.token(scene.fra))
        },
        HostileCase("GET /v1/audit/delivery", "a technical POC asking", 403) { scene in
            RawRequest("GET", "/v1/audit/delivery", token: scene.token(scene.fra))
        },
        HostileCase("GET /v1/audit/delivery", "no Authorization header", 401) { _ in RawRequest("GET", "/v1/audit/delivery") },
    ]
}

/// Waits (without blocking a thread) until the wall clock passes `date`.
func sleep(until date: Date) async throws {
    let seconds = date.timeIntervalSinceNow
    if seconds > 0 { try await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up)))) }
}
