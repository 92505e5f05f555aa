public import Foundation

/// The ping schedule as the custodian reads it (`poc-relay ping status`): the
/// latest campaign and when the next one is due (docs/protocol.md section 7).
public struct PingScheduleStatus: Sendable, Hashable {
    /// The latest campaign, scheduled or started by hand, with its counts now.
    public struct Campaign: Sendable, Hashable {
        /// The campaign id.
        public let campaignID: String
        /// When its pings were issued.
        public let issuedAt: Date
        /// Their deadline.
        public let deadline: Date
        /// How many POCs were pinged.
        public let pinged: Int
        /// Answered at or before the deadline.
        public let answered: Int
        /// Answered after the deadline.
        public let late: Int
        /// Not answered, deadline passed.
        public let missed: Int
        /// Not answered, deadline not passed.
        public let pending: Int
    }

    /// The interval, in seconds, the last `serve` started with; nil when it
    /// started without `--ping-every` (nothing is scheduled).
    public let intervalSeconds: Int64?
    /// When the next scheduled campaign is due; nil when nothing is
    /// scheduled. In the past when the relay was down at that time: it
    /// starts the campaign as soon as it serves again.
    public let nextDue: Date?
    /// The latest campaign, if there was one.
    public let lastCampaign: Campaign?
}
