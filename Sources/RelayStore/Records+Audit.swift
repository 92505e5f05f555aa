public import Foundation
public import RelayProtocol

/// One delivery (a recipient of an envelope still in the store) with its
/// envelope's routing metadata: the facts the delivery audit judges. The store
/// reports them; lateness and percentiles are the service's rules.
public struct DeliveryFact: Sendable, Hashable {
    /// The message id.
    public let messageID: String
    /// The sender's POC id.
    public let sender: String
    /// The urgency.
    public let urgency: Urgency
    /// Whether this is exercise traffic.
    public let exercise: Bool
    /// When the relay accepted the envelope.
    public let acceptedAt: Date
    /// The recipient's POC id.
    public let recipient: String
    /// When the recipient's receipt was recorded, if it was.
    public let receiptAt: Date?
    /// When the delivery reached an escalation (its receipt window ended without a receipt), if it did.
    public let escalatedAt: Date?

    /// Creates a fact (the store reads them; tests of the audit rules build them).
    public init(
        messageID: String, sender: String, urgency: Urgency, exercise: Bool, acceptedAt: Date, recipient: String, receiptAt: Date?,
        escalatedAt: Date? = nil
    ) {
        self.messageID = messageID
        self.sender = sender
        self.urgency = urgency
        self.exercise = exercise
        self.acceptedAt = acceptedAt
        self.recipient = recipient
        self.receiptAt = receiptAt
        self.escalatedAt = escalatedAt
    }
}
