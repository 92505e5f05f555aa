public import Foundation
public import RelayProtocol

/// When the relay alerts after a message is accepted, by urgency, in
/// seconds (section 10): the *waiting* alert's delay (an urgency absent from
/// ``waiting`` never alerts) and the *escalation* delay, the receipt window.
public struct AlertDelays: Sendable, Hashable {
    /// Seconds after acceptance until an unfetched message alerts its recipient.
    public var waiting: [Urgency: Int64]
    /// Seconds after acceptance until an unreceipted message escalates (the receipt window).
    public var escalation: [Urgency: Int64]

    /// No alerts at all (stores opened by host commands and tests that do not alert).
    public static let none = AlertDelays(waiting: [:], escalation: [:])

    /// Creates the value.
    public init(waiting: [Urgency: Int64], escalation: [Urgency: Int64]) {
        self.waiting = waiting
        self.escalation = escalation
    }
}

/// A POC's stored alert channels.
public struct AlertSettingsRecord: Sendable, Hashable {
    public let pocID: String
    public let email: String?
    public let webhook: String?
    /// Most urgent first.
    public let urgencies: [Urgency]
    public let updatedAt: Date

    /// Creates the value.
    public init(pocID: String, email: String?, webhook: String?, urgencies: [Urgency], updatedAt: Date) {
        self.pocID = pocID
        self.email = email
        self.webhook = webhook
        self.urgencies = urgencies
        self.updatedAt = updatedAt
    }
}

/// One alert to send: its stored facts and where its channel points now.
///
/// The webhook body is built from these facts alone (``AlertNotice``), so a
/// retry sends the same bytes: the same `alert_id` and the same `at`.
public struct PendingAlert: Sendable, Hashable {
    public let alertID: String
    /// The message, or nil for a test alert.
    public let messageID: String?
    /// The POC alerted.
    public let pocID: String
    /// The recipient the message waits for.
    public let forPOCID: String
    public let reason: AlertReason
    public let channel: AlertChannel
    /// The address or URL the alerted POC has set for ``channel`` now.
    public let target: String
    public let urgency: Urgency?
    public let exercise: Bool
    /// Messages waiting for ``forPOCID`` when the alert was made.
    public let waiting: Int
    public let acceptedAt: Date?
    /// When the alert was made (its `at`).
    public let createdAt: Date
    /// Attempts made so far.
    public let attempts: Int

    /// Creates the value.
    public init(
        alertID: String, messageID: String?, pocID: String, forPOCID: String, reason: AlertReason, channel: AlertChannel, target: String,
        urgency: Urgency?, exercise: Bool, waiting: Int, acceptedAt: Date?, createdAt: Date, attempts: Int
    ) {
        self.alertID = alertID
        self.messageID = messageID
        self.pocID = pocID
        self.forPOCID = forPOCID
        self.reason = reason
        self.channel = channel
        self.target = target
        self.urgency = urgency
        self.exercise = exercise
        self.waiting = waiting
        self.acceptedAt = acceptedAt
        self.createdAt = createdAt
        self.attempts = attempts
    }
}

/// How one of a POC's own channels fared.
public struct AlertChannelFact: Sendable, Hashable {
    public let channel: AlertChannel
    public let lastSentAt: Date?
    public let lastFailureAt: Date?
    public let lastFailure: String?
    /// Alerts still to send or retry.
    public let pending: Int
}

/// Alerts counted by reason and channel (the audit).
public struct AlertCountFact: Sendable, Hashable {
    public let reason: AlertReason
    public let channel: AlertChannel
    public let sent: Int
    public let failed: Int
    public let pending: Int
}
