public import Foundation

/// Delivery figures for one urgency, exercise and real traffic apart.
public struct UrgencyAudit: Sendable, Hashable {
    /// The urgency name.
    public let urgency: String
    /// Whether these are the exercise figures.
    public let exercise: Bool
    /// Number of envelopes accepted.
    public let accepted: Int
    /// Number of deliveries (one per recipient of each envelope).
    public let deliveries: Int
    /// Number of deliveries with a receipt.
    public let receipted: Int
    /// Median seconds from acceptance to receipt (nearest rank), nil without receipts.
    public let medianReceiptSeconds: Int?
    /// 95th percentile of seconds from acceptance to receipt (nearest rank), nil without receipts.
    public let p95ReceiptSeconds: Int?
    /// Receipts later than the urgency's window, plus unreceipted deliveries
    /// whose window has passed.
    public let late: Int
}

/// A message with at least one recipient whose receipt window has passed without a receipt.
public struct UndeliveredMessage: Sendable, Hashable {
    /// The message id.
    public let id: String
    /// The sender's POC id.
    public let from: String
    /// Every recipient, sorted.
    public let to: [String]
    /// The recipients without a receipt, sorted.
    public let pending: [String]
    /// The urgency name.
    public let urgency: String
    /// Whether this is exercise traffic.
    public let exercise: Bool
    /// When the relay accepted it.
    public let acceptedAt: Date
}

/// The delivery audit (PROTOCOL.md section 7).
public struct DeliveryAuditRecord: Sendable, Hashable {
    /// One row per (urgency, exercise) present, most urgent first, real traffic before exercise.
    public let byUrgency: [UrgencyAudit]
    /// Overdue messages, oldest first.
    public let undelivered: [UndeliveredMessage]
}
