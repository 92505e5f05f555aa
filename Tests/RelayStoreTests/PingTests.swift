import Foundation
import RelayProtocol
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

    @Test("ping lifecycle: issue, answer once, late answers kept; campaigns and last pings as facts")
    func lifecycle() async throws {
        try await withStore { store, _ in
            for (state, role) in [
                ("FRA", Role.technical), ("FRA", .diplomatic), ("DEU", .technical), ("DEU", .diplomatic),
                ("UNO", .custodian), ("ITA", .technical),
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

            let early = try await store.campaigns()
            #expect(early.first?.pings.map(\.answeredAt) == [nil, nil, nil, answeredAt])

            let lateAt = t0.addingTimeInterval(50 * hour)
            #expect(
                try await store.answerPing(pingID: "c1-DEU-TEC-1", pocID: "DEU-TEC-1", signature: signature, now: lateAt)
                    == .answered(at: lateAt, onTime: false))
            // Unanswered pings stay pending for their POC after the deadline.
            #expect(try await store.pendingPings(pocID: "FRA-DIP-1").map(\.pingID) == ["c1-FRA-DIP-1"])

            let campaign = try #require(try await store.campaigns().first)
            #expect(campaign.campaignID == "c1" && campaign.issuedAt == t0 && campaign.deadline == t0.addingTimeInterval(48 * hour))
            #expect(campaign.pings.map(\.pocID) == ["DEU-DIP-1", "DEU-TEC-1", "FRA-DIP-1", "FRA-TEC-1"])
            #expect(campaign.pings.map(\.answeredAt) == [nil, lateAt, nil, answeredAt])
            #expect(campaign.pings.map(\.state) == ["DEU", "DEU", "FRA", "FRA"])
            #expect(campaign.pings.map(\.role) == [.diplomatic, .technical, .diplomatic, .technical])

            // A newer campaign, still open: follow-up looks at it alone.
            let second = t0.addingTimeInterval(100 * hour)
            _ = try await startCampaign(store, id: "c2", issuedAt: second)
            let newer = try await store.campaigns()
            #expect(newer.map(\.campaignID) == ["c2", "c1"])
            #expect(newer.first?.pings.allSatisfy { $0.answeredAt == nil } == true)

            let last = try await store.lastPings()
            #expect(last["FRA-DIP-1"]?.campaignID == "c2" && last["FRA-DIP-1"]?.issuedAt == second)
            #expect(last["CUSTODIAN-1"] == nil)
            #expect(try await store.pendingPings(pocID: "FRA-DIP-1").map(\.pingID) == ["c1-FRA-DIP-1", "c2-FRA-DIP-1"])
        }
    }

    @Test("a campaign is refused whole on a duplicate id, a repeated POC or a bad deadline")
    func campaignValidation() async throws {
        try await withStore { store, _ in
            let poc = try await enrol(store, state: "FRA", role: .technical)
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
            #expect(try await store.campaigns().map(\.campaignID) == ["c1"])
        }
    }
}
