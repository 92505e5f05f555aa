public import Foundation

/// One ping to issue within a campaign.
public struct NewPing: Sendable, Hashable {
    /// The ping id, chosen by the server.
    public var pingID: String
    /// The pinged POC's id.
    public var pocID: String
    /// The random challenge the POC must sign.
    public var challenge: Data

    /// Creates a ping to issue.
    ///
    /// - Parameters:
    ///   - pingID: The ping id.
    ///   - pocID: The pinged POC's id.
    ///   - challenge: The random challenge.
    public init(pingID: String, pocID: String, challenge: Data) {
        self.pingID = pingID
        self.pocID = pocID
        self.challenge = challenge
    }
}

/// A stored ping.
public struct PingRecord: Sendable, Hashable {
    /// The ping id.
    public let pingID: String
    /// Its campaign's id.
    public let campaignID: String
    /// The pinged POC's id.
    public let pocID: String
    /// When it was issued (the campaign's issue time).
    public let issuedAt: Date
    /// Its answer deadline (the campaign's deadline).
    public let deadline: Date
    /// The challenge to sign.
    public let challenge: Data
    /// When it was answered, if it was.
    public let answeredAt: Date?
    /// The POC's answer signature, if any.
    public let answerSignature: Data?
}

/// A ping's state in the audit: `answered` (on time), `late` (answered after
/// the deadline), `missed` (no answer, deadline passed) or `pending`.
public enum PingState: String, Sendable, Hashable {
    /// Not answered and the deadline has not passed (`now <= deadline`).
    case pending
    /// Answered at or before the deadline.
    case answered
    /// Answered after the deadline.
    case late
    /// Not answered and the deadline has passed.
    case missed

    /// The status of a ping from its deadline, answer time and the current time.
    ///
    /// - Parameters:
    ///   - deadline: The ping's deadline.
    ///   - answeredAt: When it was answered, if it was.
    ///   - now: The current time.
    public init(deadline: Date, answeredAt: Date?, now: Date) {
        let deadline = deadline.unixSeconds
        if let answeredAt {
            self = answeredAt.unixSeconds <= deadline ? .answered : .late
        } else {
            self = now.unixSeconds <= deadline ? .pending : .missed
        }
    }
}

/// What became of a ping answer.
public enum PingAnswerOutcome: Sendable, Hashable {
    /// Recorded now; `onTime` is false after the deadline.
    case answered(at: Date, onTime: Bool)
    /// Answered before; the first answer is kept and repeated here.
    case alreadyAnswered(at: Date, onTime: Bool)
    /// Unknown ping, or not a ping of this POC (one answer for both).
    case notFound
}

/// A POC's most recent ping, for the directory's `last_ping`.
public struct LastPingRecord: Sendable, Hashable {
    /// The campaign it belongs to.
    public let campaignID: String
    /// Its status now.
    public let status: PingState
    /// When it was issued.
    public let issuedAt: Date
    /// Its deadline.
    public let deadline: Date
    /// When it was answered, if it was.
    public let answeredAt: Date?
}

/// One ping in the ping audit.
public struct PingAuditEntry: Sendable, Hashable {
    /// The ping id.
    public let pingID: String
    /// The pinged POC's id.
    public let pocID: String
    /// The POC's state code.
    public let state: String
    /// The POC's role.
    public let role: String
    /// The ping's status now.
    public let status: PingState
    /// When it was answered, if it was.
    public let answeredAt: Date?
}

/// One campaign in the ping audit.
public struct CampaignAudit: Sendable, Hashable {
    /// The campaign id.
    public let campaignID: String
    /// When its pings were issued.
    public let issuedAt: Date
    /// Their deadline.
    public let deadline: Date
    /// Its pings, sorted by POC id.
    public let pings: [PingAuditEntry]
}

/// A state to follow up with its authorities: its POCs that missed the latest campaign.
public struct FollowUpRecord: Sendable, Hashable {
    /// The state code.
    public let state: String
    /// Its POCs whose ping in the latest campaign is missed, sorted.
    public let pocIDs: [String]
}

/// The liveness-ping audit (PROTOCOL.md section 7).
public struct PingAuditRecord: Sendable, Hashable {
    /// Every campaign, newest first.
    public let campaigns: [CampaignAudit]
    /// The states with a missed ping in the latest campaign, sorted by code.
    public let followUp: [FollowUpRecord]
}
