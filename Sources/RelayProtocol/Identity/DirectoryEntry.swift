import Foundation
public import Sodium

/// Whether an entry is in use.
public enum EntryStatus: String, Hashable, Sendable, Codable {
    case active, revoked
}

/// The state of a ping (section 7).
public enum PingStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case pending, answered, late, missed
}

/// The result of a POC's latest ping, shown in its entry.
public struct LastPing: Hashable, Sendable, Codable {
    public var status: PingStatus
    public var at: Timestamp
    /// Creates a value.
    public init(status: PingStatus, at: Timestamp) {
        self.status = status
        self.at = at
    }
}

/// One entry of the directory, as the relay publishes it (section 3).
public struct DirectoryEntry: Hashable, Sendable, Codable {
    public var pocID: POCID
    public var state: StateCode
    public var role: Role
    public var details: EntryDetails
    public var signingKey: SigningPublicKey
    public var keyCertificate: KeyCertificate
    public var status: EntryStatus
    public var updatedAt: Timestamp
    public var lastPing: LastPing?

    enum CodingKeys: String, CodingKey {
        case pocID = "poc_id", state, role
        case signingKey = "signing_key", boxKey = "box_key", keyCreatedAt = "key_created_at"
        case keySignature = "key_signature", status
        case updatedAt = "updated_at", lastPing = "last_ping"
    }

    /// Creates an entry.
    public init(
        pocID: POCID, state: StateCode, role: Role, details: EntryDetails, signingKey: SigningPublicKey,
        keyCertificate: KeyCertificate, status: EntryStatus, updatedAt: Timestamp, lastPing: LastPing?
    ) {
        self.pocID = pocID
        self.state = state
        self.role = role
        self.details = details
        self.signingKey = signingKey
        self.keyCertificate = keyCertificate
        self.status = status
        self.updatedAt = updatedAt
        self.lastPing = lastPing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pocID = try c.decode(POCID.self, forKey: .pocID)
        state = try c.decode(StateCode.self, forKey: .state)
        role = try c.decode(Role.self, forKey: .role)
        details = try EntryDetails(from: decoder)
        signingKey = try SigningPublicKey(wire: c.decode(Base64Bytes.self, forKey: .signingKey), field: "signing_key")
        let box = try BoxPublicKey(wire: c.decode(Base64Bytes.self, forKey: .boxKey), field: "box_key")
        let signature = try c.decode(Base64Bytes.self, forKey: .keySignature)
        guard signature.data.count == SigningPublicKey.signatureByteCount else {
            throw WireError(.wrongLength, field: "key_signature", "must decode to 64 bytes")
        }
        keyCertificate = KeyCertificate(
            boxKey: box, createdAt: try c.decode(Timestamp.self, forKey: .keyCreatedAt), signature: signature)
        status = try c.decode(EntryStatus.self, forKey: .status)
        updatedAt = try c.decode(Timestamp.self, forKey: .updatedAt)
        lastPing = try c.decodeIfPresent(LastPing.self, forKey: .lastPing)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pocID, forKey: .pocID)
        try c.encode(state, forKey: .state)
        try c.encode(role, forKey: .role)
        try details.encode(to: encoder)
        try c.encode(Base64Bytes(signingKey.rawRepresentation), forKey: .signingKey)
        try c.encode(Base64Bytes(keyCertificate.boxKey.rawRepresentation), forKey: .boxKey)
        try c.encode(keyCertificate.createdAt, forKey: .keyCreatedAt)
        try c.encode(keyCertificate.signature, forKey: .keySignature)
        try c.encode(status, forKey: .status)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(lastPing, forKey: .lastPing)
    }

    /// The entry's identity-key fingerprint.
    public var fingerprint: Fingerprint { Fingerprint(of: signingKey) }

    /// True when the key certificate is signed by the entry's identity key.
    public var hasValidKeyCertificate: Bool { keyCertificate.isValid(for: signingKey) }
}
