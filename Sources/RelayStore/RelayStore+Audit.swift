public import Foundation
internal import GRDB

extension RelayStore {
    /// The liveness-ping audit: every campaign (newest first) with each ping's
    /// status now, and the states whose POCs missed a ping of the latest campaign.
    ///
    /// - Parameters:
    ///   - now: The current time, for `pending` versus `missed`.
    /// - Throws: ``StoreError`` on a database failure.
    public func pingAudit(now: Date) async throws -> PingAuditRecord {
        try await read { db in
            let campaigns = try Row.fetchAll(
                db,
                sql: "SELECT campaign_id, issued_at, deadline FROM ping_campaigns ORDER BY issued_at DESC, campaign_id DESC"
            )
            let audits = try campaigns.map { campaign in
                let id: String = campaign["campaign_id"]
                let pings = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT p.ping_id, p.poc_id, o.state, o.role, p.deadline, p.answered_at
                        FROM pings p JOIN pocs o ON o.poc_id = p.poc_id
                        WHERE p.campaign_id = ? ORDER BY p.poc_id
                        """,
                    arguments: [id]
                ).map { row in
                    let answeredAt = (row["answered_at"] as Int64?).map(Date.init(unixSeconds:))
                    return PingAuditEntry(
                        pingID: row["ping_id"], pocID: row["poc_id"], state: row["state"], role: row["role"],
                        status: PingState(
                            deadline: Date(unixSeconds: row["deadline"]), answeredAt: answeredAt, now: now),
                        answeredAt: answeredAt)
                }
                return CampaignAudit(
                    campaignID: id, issuedAt: Date(unixSeconds: campaign["issued_at"]),
                    deadline: Date(unixSeconds: campaign["deadline"]), pings: pings)
            }
            var missed: [String: [String]] = [:]
            for ping in audits.first?.pings ?? [] where ping.status == .missed {
                missed[ping.state, default: []].append(ping.pocID)
            }
            let followUp = missed.keys.sorted().map { FollowUpRecord(state: $0, pocIDs: missed[$0, default: []].sorted()) }
            return PingAuditRecord(campaigns: audits, followUp: followUp)
        }
    }

    /// The delivery audit over every envelope still in the store.
    ///
    /// Durations are `receipt_at - accepted_at` in whole seconds per delivery;
    /// percentiles use the nearest-rank method (the value at rank
    /// `ceil(p/100 * n)` of the sorted durations). A delivery is late when its
    /// duration exceeds the window, or when it has no receipt and
    /// `now - accepted_at` exceeds the window. An urgency missing from
    /// `windows` is never late.
    ///
    /// - Parameters:
    ///   - now: The current time.
    ///   - windows: Receipt window in seconds by urgency name, for example
    ///     `["flash": 900, "immediate": 3600, "priority": 86400, "routine": 604800]`.
    /// - Throws: ``StoreError`` on a database failure.
    public func deliveryAudit(now: Date, windows: [String: Int]) async throws -> DeliveryAuditRecord {
        let rows = try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.id, e.sender, e.urgency, e.urgency_rank, e.exercise, e.accepted_at,
                        d.recipient, d.receipt_at
                    FROM envelopes e JOIN deliveries d ON d.message_id = e.id
                    ORDER BY e.accepted_at, e.id, d.recipient
                    """
            ).map { row in
                AuditRow(
                    id: row["id"], sender: row["sender"], urgency: row["urgency"], rank: row["urgency_rank"],
                    exercise: row["exercise"], acceptedAt: row["accepted_at"], recipient: row["recipient"],
                    receiptAt: row["receipt_at"])
            }
        }
        return Self.deliveryAudit(rows: rows, now: now.unixSeconds, windows: windows)
    }

    /// One delivery joined with its envelope.
    struct AuditRow: Sendable {
        let id: String
        let sender: String
        let urgency: String
        let rank: Int
        let exercise: Bool
        let acceptedAt: Int64
        let recipient: String
        let receiptAt: Int64?
    }

    /// The figures from the rows (sorted by acceptance time, id, recipient).
    static func deliveryAudit(rows: [AuditRow], now: Int64, windows: [String: Int]) -> DeliveryAuditRecord {
        struct Group {
            var rank = 0
            var ids: Set<String> = []
            var deliveries = 0
            var durations: [Int64] = []
            var late = 0
        }
        struct Key: Hashable {
            let urgency: String
            let exercise: Bool
        }
        var groups: [Key: Group] = [:]
        var undelivered: [UndeliveredMessage] = []
        var index = rows.startIndex
        while index < rows.endIndex {
            let first = rows[index]
            var end = index
            while end < rows.endIndex && rows[end].id == first.id { end += 1 }
            let message = rows[index..<end]
            let window = windows[first.urgency].map(Int64.init)
            var group = groups[Key(urgency: first.urgency, exercise: first.exercise), default: Group()]
            group.rank = first.rank
            group.ids.insert(first.id)
            var overdue: [String] = []
            for delivery in message {
                group.deliveries += 1
                if let receiptAt = delivery.receiptAt {
                    let duration = receiptAt - delivery.acceptedAt
                    group.durations.append(duration)
                    if let window, duration > window { group.late += 1 }
                } else if let window, now - delivery.acceptedAt > window {
                    group.late += 1
                    overdue.append(delivery.recipient)
                }
            }
            groups[Key(urgency: first.urgency, exercise: first.exercise)] = group
            if !overdue.isEmpty {
                undelivered.append(
                    UndeliveredMessage(
                        id: first.id, from: first.sender, to: message.map(\.recipient).sorted(),
                        pending: message.filter { $0.receiptAt == nil }.map(\.recipient).sorted(),
                        urgency: first.urgency, exercise: first.exercise,
                        acceptedAt: Date(unixSeconds: first.acceptedAt)))
            }
            index = end
        }
        let byUrgency = groups.sorted { lhs, rhs in
            (lhs.value.rank, lhs.key.exercise ? 1 : 0, lhs.key.urgency)
                < (rhs.value.rank, rhs.key.exercise ? 1 : 0, rhs.key.urgency)
        }.map { key, group in
            let sorted = group.durations.sorted()
            return UrgencyAudit(
                urgency: key.urgency, exercise: key.exercise, accepted: group.ids.count,
                deliveries: group.deliveries, receipted: sorted.count,
                medianReceiptSeconds: nearestRank(sorted, percent: 50),
                p95ReceiptSeconds: nearestRank(sorted, percent: 95), late: group.late)
        }
        return DeliveryAuditRecord(byUrgency: byUrgency, undelivered: undelivered)
    }

    /// Nearest-rank percentile of sorted values: the value at rank `ceil(percent/100 * n)`.
    static func nearestRank(_ sorted: [Int64], percent: Int) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100
        return Int(sorted[max(rank, 1) - 1])
    }
}
