public import Foundation
public import RelayProtocol
public import RelayStore

/// The rules of the ping audit (section 7) over the store's campaigns.
///
/// Each ping's status follows ``RelayProtocol/PingStatus/init(deadline:answeredAt:now:)``;
/// a ping's latency is `answered_at - issued_at` in seconds; a state is listed
/// for follow-up when one of its POCs missed its ping of the latest campaign;
/// a state's compliance is the share of its pings, over every campaign,
/// answered on time.
public enum PingAuditRules {
    /// The audit of `campaigns` (newest first, as the store returns them).
    ///
    /// - Parameters:
    ///   - campaigns: Every campaign with its pings.
    ///   - now: The current time, for pending versus missed.
    /// - Throws: ``DeliveryAuditRules/UnreadableFact`` for a stored id or state code of the wrong shape.
    public static func audit(_ campaigns: [CampaignRecord], now: Date) throws(DeliveryAuditRules.UnreadableFact) -> PingAudit {
        var pinged: [StateCode: Int] = [:]
        var onTime: [StateCode: Int] = [:]
        var audited: [PingAudit.Campaign] = []
        for campaign in campaigns {
            var rows: [PingAudit.PingRow] = []
            for ping in campaign.pings {
                let state = try DeliveryAuditRules.read("state code") { try StateCode(ping.state) }
                let status = PingStatus(deadline: campaign.deadline, answeredAt: ping.answeredAt, now: now)
                pinged[state, default: 0] += 1
                if status == .answered { onTime[state, default: 0] += 1 }
                rows.append(
                    .init(
                        pocID: try DeliveryAuditRules.read("POC id") { try POCID(ping.pocID) }, state: state, role: ping.role,
                        status: status, answeredAt: ping.answeredAt.map(Timestamp.init),
                        latencyS: ping.answeredAt.map { Timestamp($0).secondsSince1970 - Timestamp(campaign.issuedAt).secondsSince1970 }))
            }
            audited.append(
                .init(
                    campaignID: campaign.campaignID, issuedAt: Timestamp(campaign.issuedAt), deadline: Timestamp(campaign.deadline),
                    pings: rows))
        }
        var missed: [StateCode: [POCID]] = [:]
        for ping in audited.first?.pings ?? [] where ping.status == .missed {
            missed[ping.state, default: []].append(ping.pocID)
        }
        let followUp = missed.keys.sorted().map { PingAudit.FollowUp(state: $0, pocIDs: missed[$0, default: []].sorted()) }
        let compliance = pinged.keys.sorted().map {
            PingAudit.StateCompliance(state: $0, pinged: pinged[$0, default: 0], answeredOnTime: onTime[$0, default: 0])
        }
        return PingAudit(campaigns: audited, followUp: followUp, compliance: compliance)
    }
}
