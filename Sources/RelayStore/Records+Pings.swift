public import Foundation
public import RelayProtocol

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

/// What became of a ping answer.
public enum PingAnswerOutcome: Sendable, Hashable {
    /// Recorded now; `onTime` is false after the deadline.
    case answered(at: Date, onTime: Bool)
    /// Answered before; the first answer is kept and repeated here.
    case alreadyAnswered(at: Date, onTime: Bool)
    /// Unknown ping, or not a ping of this POC (one answer for both).
    case notFound
}

/// One ping of a campaign, with its POC's state and role: the facts the ping
/// audit judges (the service decides pending, answered, late or missed).
public struct CampaignPing: Sendable, Hashable {
    /// The ping id.
    public let pingID: String
    /// The pinged POC's id.
    public let pocID: String
    /// The POC's state code.
    public let state: String
    /// The POC's role.
    public let role: Role
    /// When it was answered, if it was.
    public let answeredAt: Date?

    /// Creates a ping of a campaign.
    public init(pingID: String, pocID: String, state: String, role: Role, answeredAt: Date?) {
        self.pingID = pingID
        self.pocID = pocID
        self.state = state
        self.role = role
        self.answeredAt = answeredAt
    }
}

/// A stored campaign with every ping it issued.
public struct CampaignRecord: Sendable, Hashable {
    /// The campaign id.
    public let campaignID: String
    /// When its pings were issued.
    public let issuedAt: Date
    /// Their deadline.
    public let deadline: Date
    /// Its pings, sorted by POC id.
    public let pings: [CampaignPing]

    /// Creates a campaign.
    public init(campaignID: String, issuedAt: Date, deadline: Date, pings: [CampaignPing]) {
        self.campaignID = campaignID
        self.issuedAt = issuedAt
        self.deadline = deadline
        self.pings = pings
    }
}
