public import Foundation
public import RelayProtocol
import Sodium

/// A message in the record, sent or received.
public struct RecordedMessage: Codable, Sendable {
    /// Which way it went.
    public enum Direction: String, Codable, Sendable {
        case sent, received
    }

    public var direction: Direction
    /// `sig || inner`: the exact signed bytes, verifiable by anyone with the sender's key.
    public var signed: Base64Bytes
    /// hex(SHA-256(envelope body)), which receipts sign.
    public var bodyDigest: String
    /// When the relay accepted it.
    public var acceptedAt: Timestamp?
    /// When this POC read it (received) or sent it.
    public var recordedAt: Timestamp
    /// For received messages: whether the signed receipt went out.
    public var receiptSent: Bool

    enum CodingKeys: String, CodingKey {
        case direction, signed, bodyDigest = "body_digest", acceptedAt = "accepted_at", recordedAt = "recorded_at"
        case receiptSent = "receipt_sent"
    }

    /// Creates an entry.
    public init(direction: Direction, signed: Data, bodyDigest: String, acceptedAt: Timestamp?, recordedAt: Timestamp, receiptSent: Bool) {
        self.direction = direction
        self.signed = Base64Bytes(signed)
        self.bodyDigest = bodyDigest
        self.acceptedAt = acceptedAt
        self.recordedAt = recordedAt
        self.receiptSent = receiptSent
    }

    /// The signature part of `signed`.
    public var signature: Data { signed.data.prefix(64) }
    /// The inner message bytes.
    public var innerBytes: Data { signed.data.dropFirst(64) }

    /// The inner message (already verified when it was recorded).
    public var inner: InnerMessage {
        get throws(PocError) {
            do { return try InnerMessage.parse(Data(innerBytes)) } catch { throw PocError("a recorded message is unreadable", status: .dataError) }
        }
    }
}

/// A verified receipt for a message this POC sent.
public struct RecordedReceipt: Codable, Sendable {
    public var messageID: MessageID
    public var recipient: POCID
    public var signature: Base64Bytes
    public var at: Timestamp
    enum CodingKeys: String, CodingKey { case messageID = "message_id", recipient, signature, at }
    /// Creates an entry.
    public init(messageID: MessageID, recipient: POCID, signature: Data, at: Timestamp) {
        self.messageID = messageID
        self.recipient = recipient
        self.signature = Base64Bytes(signature)
        self.at = at
    }
}

/// A ping this POC answered.
public struct RecordedPing: Codable, Sendable {
    public var pingID: String
    public var campaignID: String
    public var issuedAt: Timestamp
    public var deadline: Timestamp
    public var answeredAt: Timestamp
    public var onTime: Bool
    enum CodingKeys: String, CodingKey {
        case pingID = "ping_id", campaignID = "campaign_id", issuedAt = "issued_at", deadline, answeredAt = "answered_at", onTime = "on_time"
    }
    /// Creates an entry.
    public init(pingID: String, campaignID: String, issuedAt: Timestamp, deadline: Timestamp, answeredAt: Timestamp, onTime: Bool) {
        self.pingID = pingID
        self.campaignID = campaignID
        self.issuedAt = issuedAt
        self.deadline = deadline
        self.answeredAt = answeredAt
        self.onTime = onTime
    }
}

/// A correspondent's keys as first seen (trust on first use) or as trusted
/// after an out-of-band fingerprint check.
public struct Pin: Codable, Sendable {
    public var pocID: POCID
    public var signingKey: Base64Bytes
    public var boxKey: Base64Bytes
    public var keyCreatedAt: Timestamp
    public var pinnedAt: Timestamp
    /// True once the user ran `poc trust` for this key.
    public var verified: Bool
    /// The POC's state and role when pinned, for the routing rule offline.
    public var state: StateCode?
    public var role: Role?
    enum CodingKeys: String, CodingKey {
        case pocID = "poc_id", signingKey = "signing_key", boxKey = "box_key", keyCreatedAt = "key_created_at", pinnedAt = "pinned_at", verified
        case state, role
    }
    /// Pins an entry's keys.
    public init(entry: DirectoryEntry, at: Timestamp, verified: Bool) {
        self.pocID = entry.pocID
        self.signingKey = Base64Bytes(entry.signingKey.rawRepresentation)
        self.boxKey = Base64Bytes(entry.keyCertificate.boxKey.rawRepresentation)
        self.keyCreatedAt = entry.keyCertificate.createdAt
        self.pinnedAt = at
        self.verified = verified
        self.state = entry.state
        self.role = entry.role
    }
}
