import Foundation
import Logging
public import RelayProtocol
import RelayStore
import Sodium

extension RelayService {
    /// `POST /v1/enrol`: redeems a one-time invitation for the caller's keys.
    /// - Throws: 400/422 for a bad entry or keys, 401 for a bad token, 409 for a key already enrolled.
    public func enrol(_ request: EnrolRequest) async throws(RelayFailure) -> EnrolResponse {
        do { try request.entry.validate() } catch { throw .wire(error) }
        let signingKey: SigningPublicKey, boxKey: BoxPublicKey
        do {
            signingKey = try SigningPublicKey(wire: request.signingKey, field: "signing_key")
            boxKey = try BoxPublicKey(wire: request.boxKey, field: "box_key")
        } catch { throw .wire(error) }
        let certificate = KeyCertificate(boxKey: boxKey, createdAt: request.keyCreatedAt, signature: request.keySignature)
        guard certificate.isValid(for: signingKey) else {
            throw .unprocessable(
                "key_signature does not verify: sign \"POCRELAY-KEY-V1\\n\" || base64(box_key) || \"\\n\" || key_created_at with the identity key.")
        }
        try checkKeyTime(request.keyCreatedAt)
        let entryJSON = String(decoding: try encoded(request.entry), as: UTF8.self)
        let newPOC = NewPOC(
            signingKey: signingKey.rawRepresentation, boxKey: boxKey.rawRepresentation,
            keyCreatedAt: request.keyCreatedAt.description, keySignature: request.keySignature.data, entryJSON: entryJSON)
        let record: POCRecord
        do {
            record = try await store.redeemInvite(tokenHash: Self.hash(token: request.token), now: now, newPOC: newPOC)
        } catch let error as StoreError where error.code == .inviteInvalid {
            throw .unauthorized
        } catch let error as StoreError where error.code == .duplicate {
            throw .conflict("This signing key is already enrolled. Generate a new identity key to enrol again.")
        } catch {
            logger.error("enrolment failed in the store", metadata: ["error": "\(error)"])
            throw .unavailable
        }
        logger.info("poc enrolled", metadata: ["poc_id": "\(record.id)", "state": "\(record.state)", "role": "\(record.role)"])
        let entry = try entry(of: record, lastPing: nil)
        return EnrolResponse(pocID: entry.pocID, entry: entry)
    }

    /// `POST /v1/auth/challenge`: a single-use challenge, given alike for unknown ids.
    public func challenge(pocID text: String) async throws(RelayFailure) -> ChallengeResponse {
        guard POCID.isValid(text) else { throw .badRequest("poc_id must be 1 to 64 characters of A-Z a-z 0-9 . _ -.") }
        let challenge = SecureRandom.bytes(count: 32)
        let expires = Timestamp(now).adding(seconds: configuration.challengeLifetime)
        try await storeCall("challenge") {
            try await store.createChallenge(challenge: challenge, pocID: text, expiresAt: expires.date)
        }
        return ChallengeResponse(challenge: challenge, expiresAt: expires)
    }

    /// `POST /v1/auth/session`: trades a signed challenge for a session token.
    /// - Throws: 401, the same for every cause.
    public func session(_ request: SessionRequest) async throws(RelayFailure) -> SessionResponse {
        guard let pocID = try? POCID(request.pocID) else { throw .unauthorized }
        let consumed = try await storeCall("consume challenge") {
            try await store.consumeChallenge(challenge: request.challenge.data, pocID: pocID.rawValue, now: now)
        }
        let record = try await storeCall("poc") { try await store.poc(id: pocID.rawValue) }
        guard consumed, let record, record.isActive else { throw .unauthorized }
        let caller = try caller(of: record)
        guard
            AuthProof.isValid(
                request.signature.data, relayID: relayID, pocID: pocID, challenge: request.challenge.data, key: caller.signingKey)
        else { throw .unauthorized }
        let (token, hash) = Self.newToken()
        let expires = Timestamp(now).adding(seconds: configuration.sessionLifetime)
        try await storeCall("session") {
            try await store.createSession(tokenHash: hash, pocID: pocID.rawValue, expiresAt: expires.date, now: now)
        }
        return SessionResponse(token: token, expiresAt: expires)
    }

    /// Resolves a bearer token to its active POC.
    /// - Throws: 401, the same for unknown, expired and revoked.
    public func authenticate(token: String) async throws(RelayFailure) -> Caller {
        guard token.utf8.count == 64 else { throw .unauthorized }
        try await recheckCallers()
        let hash = Self.hash(token: token), now = self.now
        if let caller = callers.caller(session: hash, now: now) { return caller }
        let generation = callers.generation
        let session = try await storeCall("session lookup") { try await store.activeSession(tokenHash: hash, now: now) }
        guard let session, session.poc.isActive else { throw .unauthorized }
        let caller = try caller(of: session.poc)
        callers.remember(session: hash, caller: caller, expiresAt: session.expiresAt, generation: generation)
        return caller
    }
}
