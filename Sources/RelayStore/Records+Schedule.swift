public import Foundation

/// The facts behind the ping schedule (docs/protocol.md section 7): what the store
/// holds, not a judgement of it (the service computes the due time).
public struct PingScheduleRecord: Sendable, Hashable {
    /// The interval the last `serve` started with, in seconds; nil when it
    /// started without a schedule (or none ever did).
    public let intervalSeconds: Int64?
    /// When scheduling was first enabled on this store; nil if never.
    public let anchor: Date?
    /// The latest campaign (scheduled or started by hand), if any.
    public let latestCampaign: CampaignSummaryRecord?

    /// Creates the facts of a schedule.
    ///
    /// - Parameters:
    ///   - intervalSeconds: The stored interval, if any.
    ///   - anchor: When scheduling was first enabled, if it was.
    ///   - latestCampaign: The latest campaign, if any.
    public init(intervalSeconds: Int64?, anchor: Date?, latestCampaign: CampaignSummaryRecord?) {
        self.intervalSeconds = intervalSeconds
        self.anchor = anchor
        self.latestCampaign = latestCampaign
    }
}

/// One campaign's counts, as stored: answers against the deadline, and the
/// pings without an answer (pending or missed depending on the time).
public struct CampaignSummaryRecord: Sendable, Hashable {
    /// The campaign id.
    public let campaignID: String
    /// When its pings were issued.
    public let issuedAt: Date
    /// Their deadline.
    public let deadline: Date
    /// How many POCs were pinged.
    public let pinged: Int
    /// Pings answered at or before the deadline.
    public let answeredOnTime: Int
    /// Pings answered after the deadline.
    public let answeredLate: Int
    /// Pings without an answer.
    public let unanswered: Int

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - campaignID: The campaign id.
    ///   - issuedAt: The issue time.
    ///   - deadline: The deadline.
    ///   - pinged: The number of pings.
    ///   - answeredOnTime: Answers at or before the deadline.
    ///   - answeredLate: Answers after it.
    ///   - unanswered: Pings without an answer.
    public init(
        campaignID: String, issuedAt: Date, deadline: Date, pinged: Int, answeredOnTime: Int, answeredLate: Int, unanswered: Int
    ) {
        self.campaignID = campaignID
        self.issuedAt = issuedAt
        self.deadline = deadline
        self.pinged = pinged
        self.answeredOnTime = answeredOnTime
        self.answeredLate = answeredLate
        self.unanswered = unanswered
    }
}

/// What ``RelayStore/startCampaignIfDue(interval:now:deadline:campaignID:ping:)`` did.
public enum ScheduledCampaignOutcome: Sendable, Hashable {
    /// The campaign was due at `due` and is stored now, with `pinged` pings.
    case started(campaignID: String, pinged: Int, due: Date)
    /// Nothing was due: the next campaign is due at `due`.
    case notDue(due: Date)
}
