import Foundation
import RelayProtocol
import RelayStore
import Testing

@testable import RelayService

@Suite("Delivery audit rules")
struct DeliveryAuditRulesTests {
    private let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    /// One delivery of message `id`, accepted `accepted` seconds after t0 and receipted `receipt` seconds after t0.
    private func fact(
        _ id: String, _ urgency: Urgency, exercise: Bool = false, to recipient: String, accepted: TimeInterval, receipt: TimeInterval? = nil
    ) -> DeliveryFact {
        DeliveryFact(
            messageID: id, sender: "FRA-TEC-1", urgency: urgency, exercise: exercise, acceptedAt: t0.addingTimeInterval(accepted),
            recipient: recipient, receiptAt: receipt.map { t0.addingTimeInterval($0) })
    }

    private let ids = [
        "f1": "00000000000000000000000000000f01", "f2": "00000000000000000000000000000f02", "f3": "00000000000000000000000000000f03",
        "r1": "00000000000000000000000000000a01", "r2": "00000000000000000000000000000a02", "fx": "00000000000000000000000000000e01",
    ]

    /// Sorted by acceptance time, id and recipient, as the store returns them.
    private var scenario: [DeliveryFact] {
        [
            fact(ids["r1"]!, .routine, to: "DEU-TEC-1", accepted: 0, receipt: 500),  // 500 s
            fact(ids["fx"]!, .flash, exercise: true, to: "DEU-TEC-1", accepted: 0, receipt: 200),  // late, counted apart
            fact(ids["f1"]!, .flash, to: "DEU-TEC-1", accepted: 0, receipt: 50),  // 50 s
            fact(ids["f1"]!, .flash, to: "KOR-TEC-1", accepted: 0, receipt: 150),  // 150 s: late
            fact(ids["f2"]!, .flash, to: "DEU-TEC-1", accepted: 10, receipt: 40),  // 30 s
            fact(ids["f3"]!, .flash, to: "DEU-TEC-1", accepted: 20, receipt: 25),  // 5 s
            fact(ids["f3"]!, .flash, to: "KOR-TEC-1", accepted: 20),  // never: late, undelivered
            fact(ids["r2"]!, .routine, to: "KOR-TEC-1", accepted: 9500),  // 500 s old, window 1000: not late yet
        ]
    }

    private let windows: [Urgency: Int64] = [.flash: 100, .immediate: 3600, .priority: 86_400, .routine: 1000]

    @Test("figures per urgency, exercise apart, percentiles by nearest rank, lateness against the window")
    func knownScenario() throws {
        let now = t0.addingTimeInterval(10_000)
        let audit = try DeliveryAuditRules.audit(scenario, now: now, windows: windows)
        #expect(
            audit.byUrgency == [
                .init(urgency: .flash, exercise: false, accepted: 3, deliveries: 5, receipted: 4, medianReceiptS: 30, p95ReceiptS: 150, late: 2),
                .init(urgency: .flash, exercise: true, accepted: 1, deliveries: 1, receipted: 1, medianReceiptS: 200, p95ReceiptS: 200, late: 1),
                .init(urgency: .routine, exercise: false, accepted: 2, deliveries: 2, receipted: 1, medianReceiptS: 500, p95ReceiptS: 500, late: 0),
            ])
        #expect(
            audit.undelivered == [
                .init(
                    id: try MessageID(ids["f3"]!), from: try POCID("FRA-TEC-1"), to: [try POCID("DEU-TEC-1"), try POCID("KOR-TEC-1")],
                    urgency: .flash, exercise: false, acceptedAt: Timestamp(t0.addingTimeInterval(20)))
            ])

        // 600 s later r2 is past its window too.
        let later = try DeliveryAuditRules.audit(scenario, now: now.addingTimeInterval(600), windows: windows)
        #expect(later.byUrgency.last?.late == 1)
        #expect(later.undelivered.map(\.id.rawValue) == [ids["f3"]!, ids["r2"]!])
        // An urgency without a window is never late.
        let noWindows = try DeliveryAuditRules.audit(scenario, now: now, windows: [:])
        #expect(noWindows.byUrgency.map(\.late) == [0, 0, 0] && noWindows.undelivered.isEmpty)
    }

    @Test("a receipt exactly at the window's end is on time, one second later is late")
    func windowBoundary() throws {
        let facts = [
            fact(ids["f1"]!, .flash, to: "DEU-TEC-1", accepted: 0, receipt: 100),
            fact(ids["f2"]!, .flash, to: "DEU-TEC-1", accepted: 0, receipt: 101),
        ]
        let audit = try DeliveryAuditRules.audit(facts, now: t0.addingTimeInterval(1000), windows: windows)
        #expect(audit.byUrgency.map(\.late) == [1])
    }

    @Test("no facts, no figures")
    func empty() throws {
        let audit = try DeliveryAuditRules.audit([], now: t0, windows: windows)
        #expect(audit.byUrgency.isEmpty && audit.undelivered.isEmpty)
    }

    @Test("a stored id of the wrong shape is an error, not a dropped row")
    func unreadableID() {
        let facts = [fact("not-a-message-id", .flash, to: "DEU-TEC-1", accepted: 0)]
        #expect(throws: DeliveryAuditRules.UnreadableFact.self) {
            try DeliveryAuditRules.audit(facts, now: t0.addingTimeInterval(1000), windows: windows)
        }
    }

    @Test("nearest-rank percentiles")
    func nearestRank() {
        let values: [Int64] = Array(1...20)
        #expect(DeliveryAuditRules.nearestRank(values, percent: 50) == 10)
        #expect(DeliveryAuditRules.nearestRank(values, percent: 95) == 19)
        #expect(DeliveryAuditRules.nearestRank([7], percent: 95) == 7)
        #expect(DeliveryAuditRules.nearestRank([3, 9], percent: 50) == 3)
        #expect(DeliveryAuditRules.nearestRank([], percent: 50) == nil)
    }
}
