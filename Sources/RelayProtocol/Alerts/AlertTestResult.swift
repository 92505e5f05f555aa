import Foundation

/// `POST /v1/alerts/me/test` answer: which set channels took the test alert.
public struct AlertTestResult: Hashable, Sendable, Codable {
    public var sent: [AlertChannel]
    public var failed: [AlertChannel]
    /// Creates the value.
    public init(sent: [AlertChannel], failed: [AlertChannel]) {
        self.sent = sent
        self.failed = failed
    }
}

/// `GET /v1/alerts/me/status` (an addition of this relay, docs/protocol.md):
/// how the caller's own channels fared, so that a POC sees a channel that
/// fails. Never says anything about another POC's alerts.
public struct AlertChannelsStatus: Hashable, Sendable, Codable {
    /// One channel's record.
    public struct Channel: Hashable, Sendable, Codable {
        public var channel: AlertChannel
        /// The last alert this channel took, or nil.
        public var lastSentAt: Timestamp?
        /// The last failed attempt, or nil.
        public var lastFailureAt: Timestamp?
        /// Why it failed, in a few words (`HTTP 500`, `timed out after 10 s`), or nil.
        public var lastFailure: String?
        /// Alerts still to be sent or retried to this channel.
        public var pending: Int
        enum CodingKeys: String, CodingKey {
            case channel, lastSentAt = "last_sent_at", lastFailureAt = "last_failure_at", lastFailure = "last_failure", pending
        }
        /// Creates the value.
        public init(channel: AlertChannel, lastSentAt: Timestamp?, lastFailureAt: Timestamp?, lastFailure: String?, pending: Int) {
            self.channel = channel
            self.lastSentAt = lastSentAt
            self.lastFailureAt = lastFailureAt
            self.lastFailure = lastFailure
            self.pending = pending
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(channel, forKey: .channel)
            try c.encode(lastSentAt, forKey: .lastSentAt)
            try c.encode(lastFailureAt, forKey: .lastFailureAt)
            try c.encode(lastFailure, forKey: .lastFailure)
            try c.encode(pending, forKey: .pending)
        }
    }
    public var channels: [Channel]
    /// Creates the value.
    public init(channels: [Channel]) { self.channels = channels }
}
