import Foundation
import RelayProtocol
import RelayStore
import Testing

@testable import RelayService

@Suite("Ping audit rules")
struct PingAuditRulesTests {
    private let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    private let hour: TimeInterval = 3600

    private func campaign(_ id: String, issued: Date, answers: [(String, String, Role, Date?)]) -> CampaignRecord {
        CampaignRecord(
            campaignID: id, issuedAt: issued, deadline: issued.addingTimeInterval(48 * hour),
            pings: answers.map { CampaignPing(pingID: "\(id)-\($0.0)", pocID: $0.0, state: $0.1, role: $0.2, answeredAt: $0.3) })
    }

    @Test("status per ping, latency, follow-up from the latest campaign only, compliance over all")
    func lifecycle() throws {
        let answeredAt = t0.addingTimeInterval(hour)
        let lateAt = t0.addingTimeInterval(50 * hour)
        let first = campaign(
            "c1", issued: t0,
            answers: [
                ("DEU-DIP-1", "DEU", .diplomatic, nil), ("DEU-TEC-1", "DEU", .technical, lateAt),
                ("FRA-DIP-1", "FRA", .diplomatic, nil), ("FRA-TEC-1", "FRA", .technical, answeredAt),
            ])
        let early = try PingAuditRules.audit([first], now: t0.addingTimeInterval(2 * hour))
        #expect(early.followUp.isEmpty)

        let audit = try PingAuditRules.audit([first], now: lateAt)
        let pings = try #require(audit.campaigns.first?.pings)
        #expect(pings.map(\.status) == [.missed, .late, .missed, .answered])
        #expect(pings.map(\.latencyS) == [nil, Int64(50 * hour), nil, Int64(hour)])
        #expect(
            audit.followUp == [
                .init(state: try StateCode("DEU"), pocIDs: [try POCID("DEU-DIP-1")]),
                .init(state: try StateCode("FRA"), pocIDs: [try POCID("FRA-DIP-1")]),
            ])
        #expect(audit.compliance.map(\.answeredOnTime) == [0, 1] && audit.compliance.map(\.pinged) == [2, 2])

        // A newer campaign, still open: follow-up looks at it alone; compliance counts both.
        let second = t0.addingTimeInterval(100 * hour)
        let newer = campaign(
            "c2", issued: second, answers: [("DEU-DIP-1", "DEU", .diplomatic, nil), ("FRA-TEC-1", "FRA", .technical, nil)])
        let both = try PingAuditRules.audit([newer, first], now: second.addingTimeInterval(hour))
        #expect(both.campaigns.map(\.campaignID) == ["c2", "c1"])
        #expect(both.campaigns.first?.pings.allSatisfy { $0.status == .pending } == true)
        #expect(both.followUp.isEmpty)
        #expect(both.compliance.map(\.pinged) == [3, 3])
    }

    @Test("on time at the deadline, late and missed one second after")
    func statusBoundaries() {
        let deadline = t0.addingTimeInterval(100)
        #expect(PingStatus(deadline: deadline, answeredAt: deadline, now: t0) == .answered)
        #expect(PingStatus(deadline: deadline, answeredAt: deadline + 1, now: t0) == .late)
        #expect(PingStatus(deadline: deadline, answeredAt: nil, now: deadline) == .pending)
        #expect(PingStatus(deadline: deadline, answeredAt: nil, now: deadline + 1) == .missed)
    }

    @Test("a stored state code of the wrong shape is an error, not a dropped ping")
    func unreadableState() {
        let bad = campaign("c1", issued: t0, answers: [("FRA-TEC-1", "fr", .technical, nil)])
        #expect(throws: DeliveryAuditRules.UnreadableFact.self) { try PingAuditRules.audit([bad], now: t0) }
    }
}
