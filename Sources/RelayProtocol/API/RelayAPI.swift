public import Foundation
import Sodium

/// `GET /v1/relay`: who the relay is and its limits.
public struct RelayInfo: Hashable, Sendable, Codable {
    /// The relay's fingerprint without spaces.
    public var relayID: String
    /// The relay's Ed25519 public key, base64.
    public var signingKey: Base64Bytes
    /// Protocol version (1).
    public var version: Int
    public var limits: ProtocolLimits
    /// Receipt windows in seconds by urgency name.
    public var receiptWindows: [String: Int64]

    enum CodingKeys: String, CodingKey {
        case relayID = "relay_id", signingKey = "signing_key", version, limits, receiptWindows = "receipt_windows"
    }

    /// Creates the value.
    public init(relayID: String, signingKey: Data, version: Int = 1, limits: ProtocolLimits, receiptWindows: [String: Int64]) {
        self.relayID = relayID
        self.signingKey = Base64Bytes(signingKey)
        self.version = version
        self.limits = limits
        self.receiptWindows = receiptWindows
    }
}

/// `POST /v1/enrol` request.
public struct EnrolRequest: Hashable, Sendable, Codable {
    /// The one-time invitation token.
    public var token: String
    public var signingKey: Base64Bytes
    public var boxKey: Base64Bytes
    public var keyCreatedAt: Timestamp
    public var keySignature: Base64Bytes
    /// The descriptive fields of the new entry.
    public var entry: EntryDetails

    enum CodingKeys: String, CodingKey {
        case token, signingKey = "signing_key", boxKey = "box_key", keyCreatedAt = "key_created_at"
        case keySignature = "key_signature", entry
    }

    /// Creates the value.
    public init(token: String, signingKey: Data, keyCertificate: KeyCertificate, entry: EntryDetails) {
        self.token = token
        self.signingKey = Base64Bytes(signingKey)
        self.boxKey = Base64Bytes(keyCertificate.boxKey.rawRepresentation)
        self.keyCreatedAt = keyCertificate.createdAt
        self.keySignature = keyCertificate.signature
        self.entry = entry
    }
}

/// `POST /v1/enrol` answer (201).
public struct EnrolResponse: Hashable, Sendable, Codable {
    public var pocID: POCID
    public var entry: DirectoryEntry
    enum CodingKeys: String, CodingKey { case pocID = "poc_id", entry }
    /// Creates the value.
    public init(pocID: POCID, entry: DirectoryEntry) {
        self.pocID = pocID
        self.entry = entry
    }
}

/// `POST /v1/auth/challenge` request.
public struct ChallengeRequest: Hashable, Sendable, Codable {
    public var pocID: String
    enum CodingKeys: String, CodingKey { case pocID = "poc_id" }
    /// Creates the value.
    public init(pocID: String) { self.pocID = pocID }
}

/// `POST /v1/auth/challenge` answer.
public struct ChallengeResponse: Hashable, Sendable, Codable {
    public var challenge: Base64Bytes
    public var expiresAt: Timestamp
    enum CodingKeys: String, CodingKey { case challenge, expiresAt = "expires_at" }
    /// Creates the value.
    public init(challenge: Data, expiresAt: Timestamp) {
        self.challenge = Base64Bytes(challenge)
        self.expiresAt = expiresAt
    }
}

/// `POST /v1/auth/session` request.
public struct SessionRequest: Hashable, Sendable, Codable {
    public var pocID: String
    public var challenge: Base64Bytes
    public var signature: Base64Bytes
    enum CodingKeys: String, CodingKey { case pocID = "poc_id", challenge, signature }
    /// Creates the value.
    public init(pocID: String, challenge: Data, signature: Data) {
        self.pocID = pocID
        self.challenge = Base64Bytes(challenge)
        self.signature = Base64Bytes(signature)
    }
}

/// `POST /v1/auth/session` answer.
public struct SessionResponse: Hashable, Sendable, Codable {
    /// The bearer token; secret.
    public var token: String
    public var expiresAt: Timestamp
    enum CodingKeys: String, CodingKey { case token, expiresAt = "expires_at" }
    /// Creates the value.
    public init(token: String, expiresAt: Timestamp) {
        self.token = token
        self.expiresAt = expiresAt
    }
}

/// `GET /v1/directory` answer.
public struct Directory: Hashable, Sendable, Codable {
    public var version: Int
    public var entries: [DirectoryEntry]
    /// The relay's ``DirectorySignature``.
    public var signature: Base64Bytes
    /// Creates the value.
    public init(version: Int, entries: [DirectoryEntry], signature: Data) {
        self.version = version
        self.entries = entries
        self.signature = Base64Bytes(signature)
    }
}

/// `POST /v1/keys/box` request: a new key certificate.
public struct BoxKeyRotation: Hashable, Sendable, Codable {
    public var boxKey: Base64Bytes
    public var keyCreatedAt: Timestamp
    public var keySignature: Base64Bytes
    enum CodingKeys: String, CodingKey {
        case boxKey = "box_key", keyCreatedAt = "key_created_at", keySignature = "key_signature"
    }
    /// Creates the value.
    public init(_ certificate: KeyCertificate) {
        self.boxKey = Base64Bytes(certificate.boxKey.rawRepresentation)
        self.keyCreatedAt = certificate.createdAt
        self.keySignature = certificate.signature
    }
}

/// `POST /v1/messages` answer (201, or 200 for an identical resubmission).
public struct SubmitResponse: Hashable, Sendable, Codable {
    public var id: MessageID
    public var acceptedAt: Timestamp
    enum CodingKeys: String, CodingKey { case id, acceptedAt = "accepted_at" }
    /// Creates the value.
    public init(id: MessageID, acceptedAt: Timestamp) {
        self.id = id
        self.acceptedAt = acceptedAt
    }
}

/// One message in `GET /v1/inbox`, with the caller's own wrapped key.
public struct InboxMessage: Hashable, Sendable, Codable {
    public var id: MessageID
    public var from: POCID
    public var to: [POCID]
    public var urgency: Urgency
    public var exercise: Bool
    public var acceptedAt: Timestamp
    public var key: Base64Bytes
    public var commitment: Base64Bytes
    public var body: Base64Bytes
    enum CodingKeys: String, CodingKey {
        case id, from, to, urgency, exercise, acceptedAt = "accepted_at", key, commitment, body
    }

    /// Creates the value.
    public init(
        id: MessageID, from: POCID, to: [POCID], urgency: Urgency, exercise: Bool, acceptedAt: Timestamp, key: Data,
        commitment: Data, body: Data
    ) {
        self.id = id
        self.from = from
        self.to = to
        self.urgency = urgency
        self.exercise = exercise
        self.acceptedAt = acceptedAt
        self.key = Base64Bytes(key)
        self.commitment = Base64Bytes(commitment)
        self.body = Base64Bytes(body)
    }

    /// The envelope as the recipient `me` can open it (only its own key).
    public func envelope(for me: POCID) -> Envelope {
        Envelope(
            id: id, from: from, to: to, urgency: urgency, exercise: exercise, keys: [me: key.data],
            commitment: commitment.data, body: body.data)
    }
}

/// `GET /v1/inbox` answer.
public struct Inbox: Hashable, Sendable, Codable {
    public var messages: [InboxMessage]
    /// Creates the value.
    public init(messages: [InboxMessage]) { self.messages = messages }
}

/// A body holding one signature: receipts and ping answers.
public struct SignatureBody: Hashable, Sendable, Codable {
    public var signature: Base64Bytes
    /// Creates the value.
    public init(signature: Data) { self.signature = Base64Bytes(signature) }
}

/// `GET /v1/messages/{id}/status` answer.
public struct MessageStatus: Hashable, Sendable, Codable {
    /// One recipient's delivery state.
    public struct Recipient: Hashable, Sendable, Codable {
        public var pocID: POCID
        public var fetchedAt: Timestamp?
        public var receiptAt: Timestamp?
        public var receiptSignature: Base64Bytes?
        enum CodingKeys: String, CodingKey {
            case pocID = "poc_id", fetchedAt = "fetched_at", receiptAt = "receipt_at", receiptSignature = "receipt_signature"
        }
        /// Creates the value.
        public init(pocID: POCID, fetchedAt: Timestamp?, receiptAt: Timestamp?, receiptSignature: Data?) {
            self.pocID = pocID
            self.fetchedAt = fetchedAt
            self.receiptAt = receiptAt
            self.receiptSignature = receiptSignature.map(Base64Bytes.init)
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(pocID, forKey: .pocID)
            try c.encode(fetchedAt, forKey: .fetchedAt)
            try c.encode(receiptAt, forKey: .receiptAt)
            try c.encode(receiptSignature, forKey: .receiptSignature)
        }
    }
    public var id: MessageID
    public var acceptedAt: Timestamp
    public var urgency: Urgency
    public var recipients: [Recipient]
    enum CodingKeys: String, CodingKey { case id, acceptedAt = "accepted_at", urgency, recipients }
    /// Creates the value.
    public init(id: MessageID, acceptedAt: Timestamp, urgency: Urgency, recipients: [Recipient]) {
        self.id = id
        self.acceptedAt = acceptedAt
        self.urgency = urgency
        self.recipients = recipients
    }
}

/// `POST /v1/pings/{id}/answer` answer.
public struct PingAnswerResponse: Hashable, Sendable, Codable {
    public var answeredAt: Timestamp
    public var onTime: Bool
    enum CodingKeys: String, CodingKey { case answeredAt = "answered_at", onTime = "on_time" }
    /// Creates the value.
    public init(answeredAt: Timestamp, onTime: Bool) {
        self.answeredAt = answeredAt
        self.onTime = onTime
    }
}
