import Foundation
import Testing

@testable import RelayStore

@Suite("Delivery audit")
struct AuditTests {
    @Test("figures on a known scenario")
    func knownScenario() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: "technical").id
            let b = try await enrol(store, state: "DEU", role: "technical").id
            let c = try await enrol(store, state: "KOR", role: "technical").id
            let windows = ["flash": 100, "immediate": 3600, "priority": 86_400, "routine": 1000]
            let now = t0.addingTimeInterval(10_000)

            func send(_ id: String, _ urgency: String, exercise: Bool = false, to: [String], at offset: TimeInterval) async throws {
                let outcome = try await store.submit(
                    envelope: envelope(id: id, from: a, to: to, urgency: urgency, exercise: exercise),
                    now: t0.addingTimeInterval(offset))
                #expect(outcome == .accepted(acceptedAt: t0.addingTimeInterval(offset)))
            }
            func receipt(_ id: String, by recipient: String, at offset: TimeInterval) async throws {
                let outcome = try await store.recordReceipt(
                    messageID: id, recipient: recipient, signature: randomBytes(64), now: t0.addingTimeInterval(offset))
                #expect(outcome == .recorded)
            }
            try await send("f1", "flash", to: [b, c], at: 0)
            try await receipt("f1", by: b, at: 50)  // 50 s
            try await receipt("f1", by: c, at: 150)  // 150 s: late
            try await send("f2", "flash", to: [b], at: 10)
            try await receipt("f2", by: b, at: 40)  // 30 s
            try await send("f3", "flash", to: [c, b], at: 20)
            try await receipt("f3", by: b, at: 25)  // 5 s; c never answers: late, undelivered
            try await send("r1", "routine", to: [b], at: 0)
            try await receipt("r1", by: b, at: 500)  // 500 s
            try await send("r2", "routine", to: [c], at: 9500)  // 500 s old, window 1000: not late yet
            try await send("fx", "flash", exercise: true, to: [b], at: 0)
            try await receipt("fx", by: b, at: 200)  // 200 s: late, counted apart

            let audit = try await store.deliveryAudit(now: now, windows: windows)
            #expect(
                audit.byUrgency == [
                    UrgencyAudit(
                        urgency: "flash", exercise: false, accepted: 3, deliveries: 5, receipted: 4,
                        medianReceiptSeconds: 30, p95ReceiptSeconds: 150, late: 2),
                    UrgencyAudit(
                        urgency: "flash", exercise: true, accepted: 1, deliveries: 1, receipted: 1,
                        medianReceiptSeconds: 200, p95ReceiptSeconds: 200, late: 1),
                    UrgencyAudit(
                        urgency: "routine", exercise: false, accepted: 2, deliveries: 2, receipted: 1,
                        medianReceiptSeconds: 500, p95ReceiptSeconds: 500, late: 0),
                ])
            #expect(
                audit.undelivered == [
                    UndeliveredMessage(
                        id: "f3", from: a, to: [b, c].sorted(), pending: [c], urgency: "flash", exercise: false,
                        acceptedAt: t0.addingTimeInterval(20))
                ])

            // 600 s later r2 is past its window too.
            let later = try await store.deliveryAudit(now: now.addingTimeInterval(600), windows: windows)
            #expect(later.byUrgency.last?.late == 1)
            #expect(later.undelivered.map(\.id) == ["f3", "r2"])
            // An urgency without a window is never late.
            let noWindows = try await store.deliveryAudit(now: now, windows: [:])
            #expect(noWindows.byUrgency.map(\.late) == [0, 0, 0] && noWindows.undelivered.isEmpty)
        }
    }

    @Test("an empty store has no figures")
    func empty() async throws {
        try await withStore { store, _ in
            let audit = try await store.deliveryAudit(now: t0, windows: ["flash": 900])
            #expect(audit.byUrgency.isEmpty && audit.undelivered.isEmpty)
            let pings = try await store.pingAudit(now: t0)
            #expect(pings.campaigns.isEmpty && pings.followUp.isEmpty)
        }
    }
}
