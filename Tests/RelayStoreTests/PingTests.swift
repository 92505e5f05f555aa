import Foundation
import Testing

@testable import RelayStore

@Suite("Liveness pings and the ping audit")
struct PingTests {
    private let hour: TimeInterval = 3600

    /// Issues one ping per pingable POC; ping ids are `<campaign>-<poc id>`.
    private func startCampaign(_ store: RelayStore, id: String, issuedAt: Date) async throws -> [POCRecord] {
        let pocs = try await store.activePingablePOCs()
        try await store.startCampaign(
            campaignID: id, issuedAt: issuedAt, deadline: issuedAt.addingTimeInterval(48 * hour),
            pings: pocs.map { NewPing(pingID: "\(id)-\($0.id)", pocID: $0.id, challenge: randomBytes(32)) })
        return pocs
    }

    @Test("ping lifecycle: answered, late, missed, pending, and follow-up from the latest campaign")
    func lifecycle() async throws {
        try await withStore { store, _ in
            for (state, role) in [
                ("FRA", "technical"), ("FRA", "diplomatic"), ("DEU", "technical"), ("DEU", "diplomatic"),
                ("UNO", "custodian"), ("ITA", "technical"),
            ] {
                try await enrol(store, state: state, role: role)
            }
            try await store.revoke(pocID: "ITA-TEC-1", now: t0)
            let pinged = try await startCampaign(store, id: "c1", issuedAt: t0)
            #expect(pinged.map(\.id) == ["DEU-DIP-1", "DEU-TEC-1", "FRA-DIP-1", "FRA-TEC-1"])

            let pending = try await store.pendingPings(pocID: "FRA-TEC-1")
            #expect(pending.map(\.pingID) == ["c1-FRA-TEC-1"])
            #expect(pending.first?.deadline == t0.addingTimeInterval(48 * hour) && pending.first?.issuedAt == t0)

            let signature = randomBytes(64)
            let answeredAt = t0.addingTimeInterval(hour)
            #expect(
                try await store.answerPing(pingID: "c1-FRA-TEC-1", pocID: "FRA-TEC-1", signature: signature, now: answeredAt)
                    == .answered(at: answeredAt, onTime: true))
            #expect(
                try await store.answerPing(
                    pingID: "c1-FRA-TEC-1", pocID: "FRA-TEC-1", signature: randomBytes(64), now: answeredAt + 5)
                    == .alreadyAnswered(at: answeredAt, onTime: true))
            #expect(
                try await store.answerPing(pingID: "c1-FRA-DIP-1", pocID: "FRA-TEC-1", signature: signature, now: answeredAt)
                    == .notFound)
            #expect(
                try await store.answerPing(pingID: "nope", pocID: "FRA-TEC-1", signature: signature, now: answeredAt)
                    == .notFound)
            #expect(try await store.pendingPings(pocID: "FRA-TEC-1").isEmpty)
            #expect(try await store.ping(id: "c1-FRA-TEC-1")?.answerSignature == signature)

            let early = try await store.pingAudit(now: t0.addingTimeInterval(2 * hour))
            #expect(early.followUp.isEmpty)
            #expect(early.campaigns.first?.pings.map(\.status) == [.pending, .pending, .pending, .answered])

            let lateAt = t0.addingTimeInterval(50 * hour)
            #expect(
                try await store.answerPing(pingID: "c1-DEU-TEC-1", pocID: "DEU-TEC-1", signature: signature, now: lateAt)
                    == .answered(at: lateAt, onTime: false))
            // Unanswered pings stay pending for their POC after the deadline.
            #expect(try await store.pendingPings(pocID: "FRA-DIP-1").map(\.pingID) == ["c1-FRA-DIP-1"])

            let audit = try await store.pingAudit(now: lateAt)
            let campaign = try #require(audit.campaigns.first)
            #expect(campaign.campaignID == "c1" && campaign.issuedAt == t0)
            #expect(campaign.pings.map(\.pocID) == ["DEU-DIP-1", "DEU-TEC-1", "FRA-DIP-1", "FRA-TEC-1"])
            #expect(campaign.pings.map(\.status) == [.missed, .late, .missed, .answered])
            #expect(campaign.pings.map(\.answeredAt) == [nil, lateAt, nil, answeredAt])
            #expect(campaign.pings.map(\.state) == ["DEU", "DEU", "FRA", "FRA"])
            #expect(campaign.pings.map(\.role) == ["diplomatic", "technical", "diplomatic", "technical"])
            #expect(
                audit.followUp == [
                    FollowUpRecord(state: "DEU", pocIDs: ["DEU-DIP-1"]), FollowUpRecord(state: "FRA", pocIDs: ["FRA-DIP-1"]),
                ])

            // A newer campaign, still open: follow-up looks at it alone.
            let second = t0.addingTimeInterval(100 * hour)
            _ = try await startCampaign(store, id: "c2", issuedAt: second)
            let now = second.addingTimeInterval(hour)
            let newer = try await store.pingAudit(now: now)
            #expect(newer.campaigns.map(\.campaignID) == ["c2", "c1"])
            #expect(newer.campaigns.first?.pings.allSatisfy { $0.status == .pending } == true)
            #expect(newer.followUp.isEmpty)

            let last = try await store.lastPings(now: now)
            #expect(last["FRA-DIP-1"]?.campaignID == "c2" && last["FRA-DIP-1"]?.status == .pending)
            #expect(last["CUSTODIAN-1"] == nil)
            #expect(try await store.pendingPings(pocID: "FRA-DIP-1").map(\.pingID) == ["c1-FRA-DIP-1", "c2-FRA-DIP-1"])
        }
    }

    @Test("a campaign is refused whole on a duplicate id, a repeated POC or a bad deadline")
    func campaignValidation() async throws {
        try await withStore { store, _ in
            let poc = try await enrol(store, state: "FRA", role: "technical")
            let ping = NewPing(pingID: "p1", pocID: poc.id, challenge: randomBytes(32))
            try await store.startCampaign(
                campaignID: "c1", issuedAt: t0, deadline: t0.addingTimeInterval(10), pings: [ping])
            let duplicate = await #expect(throws: StoreError.self) {
                try await store.startCampaign(
                    campaignID: "c1", issuedAt: t0, deadline: t0.addingTimeInterval(10),
                    pings: [NewPing(pingID: "p2", pocID: poc.id, challenge: randomBytes(32))])
            }
            #expect(duplicate?.code == .duplicate)
            let reusedPing = await #expect(throws: StoreError.self) {
                try await store.startCampaign(
                    campaignID: "c2", issuedAt: t0, deadline: t0.addingTimeInterval(10), pings: [ping])
            }
            #expect(reusedPing?.code == .duplicate)
            let twice = await #expect(throws: StoreError.self) {
                try await store.startCampaign(
                    campaignID: "c3", issuedAt: t0, deadline: t0.addingTimeInterval(10),
                    pings: [
                        NewPing(pingID: "p3", pocID: poc.id, challenge: randomBytes(32)),
                        NewPing(pingID: "p4", pocID: poc.id, challenge: randomBytes(32)),
                    ])
            }
            #expect(twice?.code == .invalidArgument)
            let backwards = await #expect(throws: StoreError.self) {
                try await store.startCampaign(campaignID: "c4", issuedAt: t0, deadline: t0.addingTimeInterval(-1), pings: [])
            }
            #expect(backwards?.code == .invalidArgument)
            let unknown = await #expect(throws: StoreError.self) {
                try await store.startCampaign(
                    campaignID: "c5", issuedAt: t0, deadline: t0.addingTimeInterval(10),
                    pings: [NewPing(pingID: "p5", pocID: "NOBODY", challenge: randomBytes(32))])
            }
            #expect(unknown?.code == .invalidArgument)
            #expect(try await store.pingAudit(now: t0).campaigns.map(\.campaignID) == ["c1"])
        }
    }

    @Test("ping status boundaries: on time at the deadline, missed one second after")
    func statusBoundaries() {
        let deadline = t0.addingTimeInterval(100)
        #expect(PingState(deadline: deadline, answeredAt: deadline, now: t0) == .answered)
        #expect(PingState(deadline: deadline, answeredAt: deadline + 1, now: t0) == .late)
        #expect(PingState(deadline: deadline, answeredAt: nil, now: deadline) == .pending)
        #expect(PingState(deadline: deadline, answeredAt: nil, now: deadline + 1) == .missed)
    }
}
