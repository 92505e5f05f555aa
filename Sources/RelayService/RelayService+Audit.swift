import Foundation
import Logging
public import RelayProtocol
import RelayStore

extension RelayService {
    /// `GET /v1/audit/pings`: ping status per campaign, follow-up list and
    /// compliance per state. Custodians only.
    public func pingAudit(for caller: Caller?) async throws(RelayFailure) -> PingAudit {
        try requireCustodian(caller)
        let record = try await storeCall("ping audit") { try await store.pingAudit(now: now) }
        var pinged: [String: Int] = [:]
        var onTime: [String: Int] = [:]
        let campaigns = record.campaigns.map { campaign in
            PingAudit.Campaign(
                campaignID: campaign.campaignID, issuedAt: Timestamp(campaign.issuedAt), deadline: Timestamp(campaign.deadline),
                pings: campaign.pings.compactMap { ping -> PingAudit.PingRow? in
                    guard let poc = try? POCID(ping.pocID), let state = try? StateCode(ping.state), let role = Role(rawValue: ping.role),
                        let status = PingStatus(rawValue: ping.status.rawValue)
                    else { return nil }
                    pinged[ping.state, default: 0] += 1
                    if status == .answered { onTime[ping.state, default: 0] += 1 }
                    let latency = ping.answeredAt.map { Int64($0.timeIntervalSince(campaign.issuedAt)) }
                    return .init(
                        pocID: poc, state: state, role: role, status: status, answeredAt: ping.answeredAt.map(Timestamp.init),
                        latencyS: latency)
                })
        }
        let followUp = record.followUp.compactMap { item -> PingAudit.FollowUp? in
            guard let state = try? StateCode(item.state), let ids = try? POCID.list(item.pocIDs, field: "poc_ids") else { return nil }
            return .init(state: state, pocIDs: ids)
        }
        let compliance = pinged.keys.sorted().compactMap { code -> PingAudit.StateCompliance? in
            guard let state = try? StateCode(code) else { return nil }
            return .init(state: state, pinged: pinged[code, default: 0], answeredOnTime: onTime[code, default: 0])
        }
        return PingAudit(campaigns: campaigns, followUp: followUp, compliance: compliance)
    }

    /// `GET /v1/audit/delivery`: figures per urgency (exercise apart) and
    /// overdue messages. Custodians only. Never content: there is none.
    public func deliveryAudit(for caller: Caller?) async throws(RelayFailure) -> DeliveryAudit {
        try requireCustodian(caller)
        let windows = Dictionary(uniqueKeysWithValues: configuration.receiptWindows.map { ($0.key.rawValue, Int($0.value)) })
        let record = try await storeCall("delivery audit") { try await store.deliveryAudit(now: now, windows: windows) }
        let rows = record.byUrgency.compactMap { row -> DeliveryAudit.UrgencyRow? in
            guard let urgency = Urgency(rawValue: row.urgency) else { return nil }
            return .init(
                urgency: urgency, exercise: row.exercise, accepted: row.accepted, deliveries: row.deliveries, receipted: row.receipted,
                medianReceiptS: row.medianReceiptSeconds.map(Int64.init), p95ReceiptS: row.p95ReceiptSeconds.map(Int64.init),
                late: row.late)
        }
        let undelivered = record.undelivered.compactMap { row -> DeliveryAudit.Undelivered? in
            guard let id = try? MessageID(row.id), let from = try? POCID(row.from), let to = try? POCID.list(row.to, field: "to"),
                let urgency = Urgency(rawValue: row.urgency)
            else { return nil }
            return .init(id: id, from: from, to: to, urgency: urgency, exercise: row.exercise, acceptedAt: Timestamp(row.acceptedAt))
        }
        return DeliveryAudit(byUrgency: rows, undelivered: undelivered)
    }

    /// `nil` caller means the host tool (`poc-relay audit`), which runs as the custodian.
    private func requireCustodian(_ caller: Caller?) throws(RelayFailure) {
        if let caller, !caller.isCustodian {
            throw .forbidden("Audit figures are for the custodian only.")
        }
    }
}
