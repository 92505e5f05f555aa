import Foundation
public import RelayProtocol

/// What the custodian reviews: the relay's ping and delivery audits (section 7),
/// the receipt windows they are judged against, and the published contacts of
/// every state, with the figures the dashboard and its exports show worked out
/// here once.
public struct AuditReport: Sendable {
    /// `GET /v1/audit/pings`.
    public let pings: PingAudit
    /// `GET /v1/audit/delivery`.
    public let delivery: DeliveryAudit
    /// The relay's receipt window per urgency, in seconds (`GET /v1/relay`; the defaults of section 7 where it says none).
    public let receiptWindows: [Urgency: Int64]
    /// The active directory entries of each state: the contacts to follow up with.
    public let contacts: [StateCode: [DirectoryEntry]]
    /// When the figures were fetched.
    public let fetchedAt: Timestamp

    /// Creates a report from the relay's answers.
    public init(
        pings: PingAudit, delivery: DeliveryAudit, receiptWindows: [Urgency: Int64], directory: [DirectoryEntry], fetchedAt: Timestamp
    ) {
        self.pings = pings
        self.delivery = delivery
        var windows = receiptWindows
        for urgency in Urgency.allCases where windows[urgency] == nil { windows[urgency] = urgency.defaultReceiptWindowSeconds }
        self.receiptWindows = windows
        var contacts: [StateCode: [DirectoryEntry]] = [:]
        for entry in directory where entry.status == .active { contacts[entry.state, default: []].append(entry) }
        self.contacts = contacts.mapValues { $0.sorted { $0.pocID.rawValue < $1.pocID.rawValue } }
        self.fetchedAt = fetchedAt
    }

    /// The campaigns, newest first, as the relay lists them.
    public var campaigns: [PingAudit.Campaign] { pings.campaigns }

    /// The latest campaign's progress, or `nil` before the first campaign.
    public var latestCampaign: AuditCampaignFigures? { pings.campaigns.first.map(AuditCampaignFigures.init) }

    /// Every campaign's figures, oldest first (the order of a chart's axis).
    public var campaignFigures: [AuditCampaignFigures] { pings.campaigns.reversed().map(AuditCampaignFigures.init) }

    /// Every state pinged in any campaign, in code order.
    public var pingedStates: [StateCode] {
        Set(pings.campaigns.flatMap { $0.pings.map(\.state) }).sorted()
    }

    /// The states to follow up with after the latest campaign: every state
    /// with a POC that missed its ping (the relay's `follow_up`) or answered it
    /// late; states with a missed ping first, then by code.
    public var followUp: [AuditFollowUp] {
        guard let latest = pings.campaigns.first else { return [] }
        var missed: [StateCode: [POCID]] = [:]
        var late: [StateCode: [POCID]] = [:]
        for ping in latest.pings {
            switch ping.status {
            case .missed: missed[ping.state, default: []].append(ping.pocID)
            case .late: late[ping.state, default: []].append(ping.pocID)
            case .answered, .pending: break
            }
        }
        for listed in pings.followUp {
            missed[listed.state] = Array(Set(missed[listed.state, default: []] + listed.pocIDs))
        }
        let states = Set(missed.keys).union(late.keys)
        return
            states.map { state in
                AuditFollowUp(
                    state: state, missed: missed[state, default: []].sorted(), late: late[state, default: []].sorted(),
                    contacts: contacts[state, default: []])
            }
            .sorted { ($0.missed.isEmpty ? 1 : 0, $0.state) < ($1.missed.isEmpty ? 1 : 0, $1.state) }
    }

    /// The delivery figures of real traffic (`exercise` false) or exercise
    /// traffic, one row per urgency, most urgent first, zeros where none was sent.
    public func delivery(exercise: Bool) -> [AuditDeliveryFigures] {
        Urgency.allCases.sorted { $0.rank < $1.rank }.map { urgency in
            let row = delivery.byUrgency.first { $0.urgency == urgency && $0.exercise == exercise }
            return AuditDeliveryFigures(
                urgency: urgency, windowS: receiptWindows[urgency] ?? urgency.defaultReceiptWindowSeconds,
                row: row
                    ?? .init(
                        urgency: urgency, exercise: exercise, accepted: 0, deliveries: 0, receipted: 0, medianReceiptS: nil, p95ReceiptS: nil, late: 0
                    ))
        }
    }

    /// The messages not receipted past their window, real or exercise, most urgent then oldest first.
    public func undelivered(exercise: Bool) -> [DeliveryAudit.Undelivered] {
        delivery.undelivered.filter { $0.exercise == exercise }.sorted { ($0.urgency.rank, $0.acceptedAt) < ($1.urgency.rank, $1.acceptedAt) }
    }
}

/// One campaign's progress: its pings by status, overall and per state.
public struct AuditCampaignFigures: Sendable, Equatable {
    public let campaignID: String
    public let issuedAt: Timestamp
    public let deadline: Timestamp
    /// The whole campaign.
    public let total: AuditPingCounts
    /// Each pinged state, in code order.
    public let states: [AuditStateFigures]

    /// The figures of `campaign`.
    public init(_ campaign: PingAudit.Campaign) {
        campaignID = campaign.campaignID
        issuedAt = campaign.issuedAt
        deadline = campaign.deadline
        total = AuditPingCounts(campaign.pings.map(\.status))
        let byState = Dictionary(grouping: campaign.pings, by: \.state)
        states = byState.keys.sorted().map { AuditStateFigures(state: $0, counts: AuditPingCounts(byState[$0, default: []].map(\.status))) }
    }

    /// The figures of `state`, or `nil` when the campaign did not ping it.
    public func figures(of state: StateCode) -> AuditStateFigures? { states.first { $0.state == state } }
}

/// Pings counted by status.
public struct AuditPingCounts: Sendable, Equatable {
    public var answered = 0
    public var late = 0
    public var missed = 0
    public var pending = 0

    /// Counts `statuses`.
    public init(_ statuses: [PingStatus]) {
        for status in statuses {
            switch status {
            case .answered: answered += 1
            case .late: late += 1
            case .missed: missed += 1
            case .pending: pending += 1
            }
        }
    }

    /// Creates counts.
    public init(answered: Int, late: Int, missed: Int, pending: Int) {
        self.answered = answered
        self.late = late
        self.missed = missed
        self.pending = pending
    }

    /// Every ping counted.
    public var pinged: Int { answered + late + missed + pending }

    /// The share answered on time (section 7's compliance), 0 when nothing was pinged.
    public var compliance: Double { pinged == 0 ? 0 : Double(answered) / Double(pinged) }

    /// ``compliance`` as a whole percentage, rounded down so that 99.6 % never shows as 100.
    public var compliancePercent: Int { pinged == 0 ? 0 : answered * 100 / pinged }
}

/// One state's pings in one campaign.
public struct AuditStateFigures: Sendable, Equatable {
    public let state: StateCode
    public let counts: AuditPingCounts
}

/// A state to follow up with, its POCs that missed or were late, and its published contacts.
public struct AuditFollowUp: Sendable {
    public let state: StateCode
    public let missed: [POCID]
    public let late: [POCID]
    /// The state's active directory entries.
    public let contacts: [DirectoryEntry]
}

/// One urgency's delivery figures, judged against its receipt window.
public struct AuditDeliveryFigures: Sendable, Equatable {
    public let urgency: Urgency
    /// The receipt window, in seconds.
    public let windowS: Int64
    /// The relay's row (zeros when nothing was sent at this urgency).
    public let row: DeliveryAudit.UrgencyRow

    /// Whether the 95th percentile time to receipt is within the window (`nil` without receipts).
    public var p95WithinWindow: Bool? { row.p95ReceiptS.map { $0 <= windowS } }
}
