public import Foundation
public import Sodium

/// The login proof of `POST /v1/auth/session`:
/// `Ed25519(sk, "POCRELAY-AUTH-V1\n" || relay_id || "\n" || poc_id || "\n" || challenge)`,
/// with the challenge in base64 as sent by the relay.
public enum AuthProof {
    /// The exact signed bytes.
    public static func signedBytes(relayID: String, pocID: POCID, challenge: Data) -> Data {
        DomainSeparation.statement(DomainSeparation.auth, [relayID, pocID.rawValue, StrictBase64.encode(challenge)])
    }

    /// Signs a challenge as `pocID`.
    public static func sign(relayID: String, pocID: POCID, challenge: Data, identity: SigningKeyPair) -> Data {
        identity.signature(for: signedBytes(relayID: relayID, pocID: pocID, challenge: challenge))
    }

    /// Checks a proof.
    public static func isValid(
        _ signature: Data, relayID: String, pocID: POCID, challenge: Data, key: SigningPublicKey
    ) -> Bool {
        key.isValidSignature(signature, for: signedBytes(relayID: relayID, pocID: pocID, challenge: challenge))
    }
}

/// A recipient's receipt:
/// `Ed25519(sk, "POCRELAY-RCPT-V1\n" || id || "\n" || recipient_id || "\n" || hex(SHA-256(body)))`,
/// where `body` is the envelope body after base64 decoding.
///
/// The statement is built in one place, ``signedBytes(messageID:recipient:bodySHA256:)``:
/// the recipient signs it, the relay checks it against the body digest it
/// stored at submission (it never reads the ciphertext back for a receipt),
/// and the sender checks it against the digest in its record.
public enum Receipt {
    /// The exact signed bytes, from the SHA-256 digest of the body.
    public static func signedBytes(messageID: MessageID, recipient: POCID, bodySHA256: Data) -> Data {
        DomainSeparation.statement(DomainSeparation.receipt, [messageID.rawValue, recipient.rawValue, bodySHA256.lowercaseHex])
    }

    /// The exact signed bytes, from the body itself.
    public static func signedBytes(messageID: MessageID, recipient: POCID, body: Data) -> Data {
        signedBytes(messageID: messageID, recipient: recipient, bodySHA256: SHA256.hash(body))
    }

    /// Signs a receipt for a message `recipient` received.
    public static func sign(messageID: MessageID, recipient: POCID, body: Data, identity: SigningKeyPair) -> Data {
        identity.signature(for: signedBytes(messageID: messageID, recipient: recipient, body: body))
    }

    /// Checks a receipt against the body's SHA-256 digest.
    public static func isValid(
        _ signature: Data, messageID: MessageID, recipient: POCID, bodySHA256: Data, key: SigningPublicKey
    ) -> Bool {
        key.isValidSignature(signature, for: signedBytes(messageID: messageID, recipient: recipient, bodySHA256: bodySHA256))
    }

    /// Checks a receipt against the body.
    public static func isValid(
        _ signature: Data, messageID: MessageID, recipient: POCID, body: Data, key: SigningPublicKey
    ) -> Bool {
        isValid(signature, messageID: messageID, recipient: recipient, bodySHA256: SHA256.hash(body), key: key)
    }
}

/// A liveness ping as a POC receives it (`GET /v1/pings`), signed by the relay:
/// `Ed25519(relay_sk, "POCRELAY-PING-V1\n" || ping_id || "\n" || poc_id || "\n" || issued_at || "\n" || deadline || "\n" || challenge)`.
public struct Ping: Hashable, Sendable, Codable {
    public var pingID: String
    public var campaignID: String
    public var issuedAt: Timestamp
    public var deadline: Timestamp
    public var challenge: Base64Bytes
    public var signature: Base64Bytes

    enum CodingKeys: String, CodingKey {
        case pingID = "ping_id", campaignID = "campaign_id", issuedAt = "issued_at", deadline, challenge, signature
    }

    /// Creates a ping with a given signature.
    public init(pingID: String, campaignID: String, issuedAt: Timestamp, deadline: Timestamp, challenge: Data, signature: Data) {
        self.pingID = pingID
        self.campaignID = campaignID
        self.issuedAt = issuedAt
        self.deadline = deadline
        self.challenge = Base64Bytes(challenge)
        self.signature = Base64Bytes(signature)
    }

    /// The exact bytes the relay signs for POC `pocID`.
    public static func signedBytes(pingID: String, pocID: POCID, issuedAt: Timestamp, deadline: Timestamp, challenge: Data) -> Data {
        DomainSeparation.statement(
            DomainSeparation.ping,
            [pingID, pocID.rawValue, issuedAt.description, deadline.description, StrictBase64.encode(challenge)])
    }

    /// Issues a signed ping (the relay).
    public static func issue(
        pingID: String, campaignID: String, pocID: POCID, issuedAt: Timestamp, deadline: Timestamp, challenge: Data,
        relayKey: SigningKeyPair
    ) -> Ping {
        let message = signedBytes(pingID: pingID, pocID: pocID, issuedAt: issuedAt, deadline: deadline, challenge: challenge)
        return Ping(
            pingID: pingID, campaignID: campaignID, issuedAt: issuedAt, deadline: deadline, challenge: challenge,
            signature: relayKey.signature(for: message))
    }

    /// True when the pinned relay key signed this ping for `pocID`. A forged
    /// ping fails this and must never be answered.
    public func isSigned(by relayKey: SigningPublicKey, for pocID: POCID) -> Bool {
        relayKey.isValidSignature(
            signature.data,
            for: Self.signedBytes(pingID: pingID, pocID: pocID, issuedAt: issuedAt, deadline: deadline, challenge: challenge.data))
    }
}

/// A POC's answer to a ping: `Ed25519(sk, "POCRELAY-PONG-V1\n" || ping_id || "\n" || challenge)`.
public enum PingAnswer {
    /// The exact signed bytes.
    public static func signedBytes(pingID: String, challenge: Data) -> Data {
        DomainSeparation.statement(DomainSeparation.pong, [pingID, StrictBase64.encode(challenge)])
    }

    /// Signs an answer.
    public static func sign(pingID: String, challenge: Data, identity: SigningKeyPair) -> Data {
        identity.signature(for: signedBytes(pingID: pingID, challenge: challenge))
    }

    /// Checks an answer.
    public static func isValid(_ signature: Data, pingID: String, challenge: Data, key: SigningPublicKey) -> Bool {
        key.isValidSignature(signature, for: signedBytes(pingID: pingID, challenge: challenge))
    }
}

/// The relay's signature over the key material of every active entry:
/// `Ed25519(relay_sk, "POCRELAY-DIR-V1\n" || version || "\n" || lines)`, with a
/// line `poc_id || " " || signing_key || " " || box_key || "\n"` per active
/// entry sorted by `poc_id` in byte order (keys in base64).
public enum DirectorySignature {
    /// One active entry's key material.
    public struct Line: Hashable, Sendable {
        public let pocID: POCID
        public let signingKey: SigningPublicKey
        public let boxKey: BoxPublicKey
        /// Creates a line.
        public init(pocID: POCID, signingKey: SigningPublicKey, boxKey: BoxPublicKey) {
            self.pocID = pocID
            self.signingKey = signingKey
            self.boxKey = boxKey
        }
    }

    /// The exact signed bytes. Sorts `lines` itself.
    public static func signedBytes(version: Int, lines: [Line]) -> Data {
        var out = DomainSeparation.directory
        out.append(Data("\(version)\n".utf8))
        for line in lines.sorted(by: { $0.pocID < $1.pocID }) {
            let text =
                "\(line.pocID.rawValue) \(StrictBase64.encode(line.signingKey.rawRepresentation)) \(StrictBase64.encode(line.boxKey.rawRepresentation))\n"
            out.append(Data(text.utf8))
        }
        return out
    }

    /// The lines of the active entries of `entries`.
    public static func lines(of entries: [DirectoryEntry]) -> [Line] {
        entries.filter { $0.status == .active }.map {
            Line(pocID: $0.pocID, signingKey: $0.signingKey, boxKey: $0.keyCertificate.boxKey)
        }
    }

    /// Signs (the relay).
    public static func sign(version: Int, entries: [DirectoryEntry], relayKey: SigningKeyPair) -> Data {
        relayKey.signature(for: signedBytes(version: version, lines: lines(of: entries)))
    }

    /// Checks a directory as received.
    public static func isValid(_ signature: Data, version: Int, entries: [DirectoryEntry], relayKey: SigningPublicKey) -> Bool {
        isValid(signature, version: version, lines: lines(of: entries), relayKey: relayKey)
    }

    /// Checks a directory's signature over its lines (``lines(of:)``), for a caller that has them already.
    public static func isValid(_ signature: Data, version: Int, lines: [Line], relayKey: SigningPublicKey) -> Bool {
        relayKey.isValidSignature(signature, for: signedBytes(version: version, lines: lines))
    }
}
