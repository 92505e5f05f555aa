public import Foundation
public import RelayProtocol
import Sodium

/// An envelope the server has checked and wants stored.
public struct NewEnvelope: Sendable, Hashable {
    /// The message id (32 lowercase hex digits, checked by the server).
    public var id: String
    /// The sender's POC id.
    public var sender: String
    /// The urgency; the inbox order follows its ``RelayProtocol/Urgency/rank``.
    public var urgency: Urgency
    /// Whether this is simulation-exercise traffic.
    public var exercise: Bool
    /// The 32-byte key commitment.
    public var commitment: Data
    /// The ciphertext body.
    public var body: Data
    /// SHA-256 of ``body``, kept so that a receipt (which signs it) is checked
    /// without reading the ciphertext back.
    public var bodySHA256: Data
    /// SHA-256 of the canonical envelope, computed by the server: two
    /// submissions with one id are the same envelope exactly when hashes match.
    public var envelopeHash: Data
    /// Each recipient's POC id and its 80-byte sealed content key.
    public var wrappedKeys: [String: Data]
    /// When the body expires and is deleted even without receipts.
    public var expiresAt: Date

    /// Creates an envelope to store.
    ///
    /// - Parameters:
    ///   - id: The message id.
    ///   - sender: The sender's POC id.
    ///   - urgency: The urgency.
    ///   - exercise: Whether this is exercise traffic.
    ///   - commitment: The key commitment.
    ///   - body: The ciphertext body.
    ///   - bodySHA256: SHA-256 of the body (computed here when nil).
    ///   - envelopeHash: SHA-256 of the canonical envelope.
    ///   - wrappedKeys: Recipient POC id to wrapped key; at least one.
    ///   - expiresAt: When the body expires.
    public init(
        id: String, sender: String, urgency: Urgency, exercise: Bool, commitment: Data, body: Data,
        bodySHA256: Data? = nil, envelopeHash: Data, wrappedKeys: [String: Data], expiresAt: Date
    ) {
        self.id = id
        self.sender = sender
        self.urgency = urgency
        self.exercise = exercise
        self.commitment = commitment
        self.body = body
        self.bodySHA256 = bodySHA256 ?? SHA256.hash(body)
        self.envelopeHash = envelopeHash
        self.wrappedKeys = wrappedKeys
        self.expiresAt = expiresAt
    }
}

/// What became of a submitted envelope.
public enum SubmitOutcome: Sendable, Hashable {
    /// Stored and committed now (answer 201).
    case accepted(acceptedAt: Date)
    /// The same envelope (same id and hash) was stored before (answer 200 with the first time).
    case duplicate(acceptedAt: Date)
    /// Another envelope with this id was stored before (answer 409).
    case conflict
    /// Refused: no recipient, or a sender or recipient that
    /// is not an active POC when the transaction runs (the server should have
    /// refused it first, unless a revocation came in between).
    case invalid
}

/// Messages a recipient fetched, for ``RelayStore/markFetched(_:now:)``.
public struct FetchMark: Sendable, Hashable {
    /// The recipient's POC id.
    public var recipient: String
    /// The ids of the messages it fetched.
    public var messageIDs: [String]

    /// Creates a mark.
    public init(recipient: String, messageIDs: [String]) {
        self.recipient = recipient
        self.messageIDs = messageIDs
    }
}

/// One message waiting in a recipient's inbox.
public struct InboxItem: Sendable, Hashable {
    /// The message id.
    public let id: String
    /// The sender's POC id.
    public let from: String
    /// Every recipient of the message, sorted in byte order.
    public let to: [String]
    /// The urgency.
    public let urgency: Urgency
    /// Whether this is exercise traffic.
    public let exercise: Bool
    /// When the relay accepted it.
    public let acceptedAt: Date
    /// This recipient's sealed content key.
    public let wrappedKey: Data
    /// The key commitment.
    public let commitment: Data
    /// The ciphertext body.
    public let body: Data
}

/// What became of a receipt.
public enum ReceiptOutcome: Sendable, Hashable {
    /// Recorded now.
    case recorded
    /// A receipt of this recipient was already recorded; the first one is kept.
    case alreadyRecorded
    /// Unknown message, or the caller is not one of its recipients (one answer for both).
    case notFound
}

/// One recipient's delivery state, for the sender's status view.
public struct DeliveryStatus: Sendable, Hashable {
    /// The recipient's POC id.
    public let pocID: String
    /// When the recipient first fetched the message, if it did.
    public let fetchedAt: Date?
    /// When its receipt was recorded, if it was.
    public let receiptAt: Date?
    /// The recipient's receipt signature, if any.
    public let receiptSignature: Data?
}

/// The routing metadata and delivery state of one message.
public struct MessageStatusRecord: Sendable, Hashable {
    /// The message id.
    public let id: String
    /// The sender's POC id.
    public let sender: String
    /// When the relay accepted it.
    public let acceptedAt: Date
    /// The urgency.
    public let urgency: Urgency
    /// Whether this is exercise traffic.
    public let exercise: Bool
    /// When the body was deleted (all receipts in, or expired), if it was.
    public let bodyDeletedAt: Date?
    /// Every recipient, sorted by POC id in byte order.
    public let recipients: [DeliveryStatus]
}
