/// `GET /v1/audit/pings` answer (section 7).
public struct PingAudit: Hashable, Sendable, Codable {
    /// One campaign and its pings.
    public struct Campaign: Hashable, Sendable, Codable {
        public var campaignID: String
        public var issuedAt: Timestamp
        public var deadline: Timestamp
        public var pings: [PingRow]
        enum CodingKeys: String, CodingKey { case campaignID = "campaign_id", issuedAt = "issued_at", deadline, pings }
        /// Creates the value.
        public init(campaignID: String, issuedAt: Timestamp, deadline: Timestamp, pings: [PingRow]) {
            self.campaignID = campaignID
            self.issuedAt = issuedAt
            self.deadline = deadline
            self.pings = pings
        }
    }
    /// One POC's ping in a campaign.
    public struct PingRow: Hashable, Sendable, Codable {
        public var pocID: POCID
        public var state: StateCode
        public var role: Role
        public var status: PingStatus
        public var answeredAt: Timestamp?
        /// Seconds from issue to answer, when answered.
        public var latencyS: Int64?
        enum CodingKeys: String, CodingKey {
            case pocID = "poc_id", state, role, status, answeredAt = "answered_at", latencyS = "latency_s"
        }
        /// Creates the value.
        public init(pocID: POCID, state: StateCode, role: Role, status: PingStatus, answeredAt: Timestamp?, latencyS: Int64?) {
            self.pocID = pocID
            self.state = state
            self.role = role
            self.status = status
            self.answeredAt = answeredAt
            self.latencyS = latencyS
        }
    }
    /// A state to follow up with its authorities (R8).
    public struct FollowUp: Hashable, Sendable, Codable {
        public var state: StateCode
        public var pocIDs: [POCID]
        enum CodingKeys: String, CodingKey { case state, pocIDs = "poc_ids" }
        /// Creates the value.
        public init(state: StateCode, pocIDs: [POCID]) {
            self.state = state
            self.pocIDs = pocIDs
        }
    }
    /// Compliance per state over all campaigns: answered on time / pinged.
    public struct StateCompliance: Hashable, Sendable, Codable {
        public var state: StateCode
        public var pinged: Int
        public var answeredOnTime: Int
        public var complianceRate: Double
        enum CodingKeys: String, CodingKey {
            case state, pinged, answeredOnTime = "answered_on_time", complianceRate = "compliance_rate"
        }
        /// Creates the value.
        public init(state: StateCode, pinged: Int, answeredOnTime: Int) {
            self.state = state
            self.pinged = pinged
            self.answeredOnTime = answeredOnTime
            self.complianceRate = pinged == 0 ? 0 : Double(answeredOnTime) / Double(pinged)
        }
    }
    public var campaigns: [Campaign]
    public var followUp: [FollowUp]
    public var compliance: [StateCompliance]
    enum CodingKeys: String, CodingKey { case campaigns, followUp = "follow_up", compliance }
    /// Creates the value.
    public init(campaigns: [Campaign], followUp: [FollowUp], compliance: [StateCompliance]) {
        self.campaigns = campaigns
        self.followUp = followUp
        self.compliance = compliance
    }
}

/// `GET /v1/audit/delivery` answer (section 7). Never holds content.
public struct DeliveryAudit: Hashable, Sendable, Codable {
    /// Figures for one urgency, real or exercise traffic.
    public struct UrgencyRow: Hashable, Sendable, Codable {
        public var urgency: Urgency
        public var exercise: Bool
        /// Messages accepted.
        public var accepted: Int
        /// Deliveries: one per recipient of each accepted message (an extra field beyond section 7).
        public var deliveries: Int
        /// Deliveries receipted.
        public var receipted: Int
        public var medianReceiptS: Int64?
        public var p95ReceiptS: Int64?
        public var late: Int
        /// Deliveries that reached an escalation (v1.1, section 10): unreceipted when the window ended.
        public var escalated: Int
        enum CodingKeys: String, CodingKey {
            case urgency, exercise, accepted, deliveries, receipted, medianReceiptS = "median_receipt_s", p95ReceiptS = "p95_receipt_s", late
            case escalated
        }
        /// Creates the value.
        public init(
            urgency: Urgency, exercise: Bool, accepted: Int, deliveries: Int, receipted: Int, medianReceiptS: Int64?, p95ReceiptS: Int64?,
            late: Int, escalated: Int = 0
        ) {
            self.urgency = urgency
            self.exercise = exercise
            self.accepted = accepted
            self.deliveries = deliveries
            self.receipted = receipted
            self.medianReceiptS = medianReceiptS
            self.p95ReceiptS = p95ReceiptS
            self.late = late
            self.escalated = escalated
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(urgency, forKey: .urgency)
            try c.encode(exercise, forKey: .exercise)
            try c.encode(accepted, forKey: .accepted)
            try c.encode(deliveries, forKey: .deliveries)
            try c.encode(receipted, forKey: .receipted)
            try c.encode(medianReceiptS, forKey: .medianReceiptS)
            try c.encode(p95ReceiptS, forKey: .p95ReceiptS)
            try c.encode(late, forKey: .late)
            try c.encode(escalated, forKey: .escalated)
        }
    }
    /// A message with a recipient that has not receipted past its window.
    public struct Undelivered: Hashable, Sendable, Codable {
        public var id: MessageID
        public var from: POCID
        public var to: [POCID]
        public var urgency: Urgency
        public var exercise: Bool
        public var acceptedAt: Timestamp
        enum CodingKeys: String, CodingKey { case id, from, to, urgency, exercise, acceptedAt = "accepted_at" }
        /// Creates the value.
        public init(id: MessageID, from: POCID, to: [POCID], urgency: Urgency, exercise: Bool, acceptedAt: Timestamp) {
            self.id = id
            self.from = from
            self.to = to
            self.urgency = urgency
            self.exercise = exercise
            self.acceptedAt = acceptedAt
        }
    }
    /// Alerts by reason and channel (v1.1, section 10): counts only.
    public struct AlertCount: Hashable, Sendable, Codable {
        public var reason: AlertReason
        public var channel: AlertChannel
        /// Alerts delivered.
        public var sent: Int
        /// Alerts given up on after their retries.
        public var failed: Int
        /// Alerts still waiting to be sent or retried (an extra field beyond section 10).
        public var pending: Int
        /// Creates the value.
        public init(reason: AlertReason, channel: AlertChannel, sent: Int, failed: Int, pending: Int = 0) {
            self.reason = reason
            self.channel = channel
            self.sent = sent
            self.failed = failed
            self.pending = pending
        }
    }
    public var byUrgency: [UrgencyRow]
    public var undelivered: [Undelivered]
    public var alerts: [AlertCount]
    enum CodingKeys: String, CodingKey { case byUrgency = "by_urgency", undelivered, alerts }
    /// Creates the value.
    public init(byUrgency: [UrgencyRow], undelivered: [Undelivered], alerts: [AlertCount] = []) {
        self.byUrgency = byUrgency
        self.undelivered = undelivered
        self.alerts = alerts
    }
}
