import Foundation
import RelayProtocol
import RelayStore
import Testing

/// The alert outbox of section 10 in the store: checks written with the
/// submission, turned into alerts once due, once each.
@Suite("Alert outbox")
struct AlertOutboxTests {
    let delays = AlertDelays(waiting: [.flash: 0, .immediate: 300], escalation: [.flash: 900, .immediate: 3600])

    /// FRA-TEC-1 sends; DEU-TEC-1 (webhook and e-mail) and DEU-DIP-1 (webhook) are the state's POCs.
    func scenario(_ store: RelayStore) async throws -> (sender: String, tec: String, dip: String) {
        let sender = try await enrol(store, state: "FRA", role: .technical).id
        let tec = try await enrol(store, state: "DEU", role: .technical).id
        let dip = try await enrol(store, state: "DEU", role: .diplomatic).id
        try await store.setAlertSettings(
            pocID: tec, email: "duty@cert.example", webhook: "https://tec.example/hook", urgencies: [.flash, .immediate], now: t0)
        try await store.setAlertSettings(pocID: dip, email: nil, webhook: "https://dip.example/hook", urgencies: [.flash], now: t0)
        return (sender, tec, dip)
    }

    @Test("a FLASH message alerts each channel of its recipient once, written with the submission; running the checks makes nothing more")
    func waitingOnce() async throws {
        try await withStore { store, _ in
            let (sender, tec, _) = try await scenario(store)
            _ = try await store.submit(envelope: envelope(id: "m1", from: sender, to: [tec], urgency: .flash), now: t0, alertDelays: delays)
            #expect(try await store.nextAlertWork() == t0)
            // Due at acceptance: written by the submission itself, so no check is left to run.
            #expect(try await store.runDueAlertChecks(now: t0) == (checked: 0, alerts: 0))
            let due = try await store.dueAlerts(now: t0, limit: 10)
            #expect(Set(due.map(\.channel)) == [.email, .webhook])
            #expect(due.allSatisfy { $0.reason == .waiting && $0.pocID == tec && $0.forPOCID == tec && $0.waiting == 1 && $0.urgency == .flash })
            #expect(Set(due.map(\.target)) == ["duty@cert.example", "https://tec.example/hook"])
            #expect(try await store.runDueAlertChecks(now: t0.addingTimeInterval(1)).alerts == 0)
            for alert in due { try await store.recordAlertSent(alertID: alert.alertID, now: t0) }
            #expect(try await store.dueAlerts(now: t0.addingTimeInterval(5000), limit: 10).isEmpty)
            let counts = try await store.alertCounts()
            #expect(counts.map(\.sent).reduce(0, +) == 2)
        }
    }

    @Test("a message fetched before its alert falls due does not alert; an urgency the recipient did not choose writes no check")
    func fetchedDoesNotAlert() async throws {
        try await withStore { store, _ in
            let (sender, tec, dip) = try await scenario(store)
            _ = try await store.submit(
                envelope: envelope(id: "m1", from: sender, to: [tec], urgency: .immediate), now: t0, alertDelays: delays)
            _ = try await store.fetchInbox(recipient: tec, limit: 10, now: t0.addingTimeInterval(10))
            #expect(try await store.runDueAlertChecks(now: t0.addingTimeInterval(300)).alerts == 0)
            // DEU-DIP-1 chose flash only: an IMMEDIATE message to it writes no check at all.
            _ = try await store.submit(
                envelope: envelope(id: "m2", from: sender, to: [dip], urgency: .immediate), now: t0, alertDelays: delays)
            #expect(try await store.runDueAlertChecks(now: t0.addingTimeInterval(7200)).checked == 1)  // m1's escalation only
        }
    }

    @Test("unreceipted when the window ends, a delivery escalates to the state's other POCs once and is marked escalated")
    func escalation() async throws {
        try await withStore { store, _ in
            let (sender, tec, dip) = try await scenario(store)
            _ = try await store.submit(envelope: envelope(id: "m1", from: sender, to: [tec], urgency: .flash), now: t0, alertDelays: delays)
            _ = try await store.runDueAlertChecks(now: t0)
            #expect(try await store.runDueAlertChecks(now: t0.addingTimeInterval(899)).checked == 0)
            let made = try await store.runDueAlertChecks(now: t0.addingTimeInterval(900))
            #expect(made == (checked: 1, alerts: 1))
            let escalations = try await store.dueAlerts(now: t0.addingTimeInterval(900), limit: 10).filter { $0.reason == .escalation }
            #expect(escalations.count == 1)
            #expect(escalations.first?.pocID == dip && escalations.first?.forPOCID == tec && escalations.first?.channel == .webhook)
            #expect(try await store.deliveryFacts().first?.escalatedAt == t0.addingTimeInterval(900))
            #expect(try await store.runDueAlertChecks(now: t0.addingTimeInterval(2000)).alerts == 0)
        }
    }

    @Test("a receipt before the window ends stops the escalation")
    func receiptStopsEscalation() async throws {
        try await withStore { store, _ in
            let (sender, tec, _) = try await scenario(store)
            _ = try await store.submit(envelope: envelope(id: "m1", from: sender, to: [tec], urgency: .flash), now: t0, alertDelays: delays)
            _ = try await store.recordReceipt(messageID: "m1", recipient: tec, signature: randomBytes(64), now: t0.addingTimeInterval(60))
            #expect(try await store.runDueAlertChecks(now: t0.addingTimeInterval(900)) == (checked: 1, alerts: 0))
            #expect(try await store.deliveryFacts().first?.escalatedAt == nil)
        }
    }

    @Test("a failed attempt is retried at its time and given up when told; a removed channel is given up")
    func retriesAndGivingUp() async throws {
        try await withStore { store, _ in
            let (sender, tec, _) = try await scenario(store)
            _ = try await store.submit(envelope: envelope(id: "m1", from: sender, to: [tec], urgency: .flash), now: t0, alertDelays: delays)
            _ = try await store.runDueAlertChecks(now: t0)
            let webhook = try #require(try await store.dueAlerts(now: t0, limit: 10).first { $0.channel == .webhook })
            try await store.recordAlertFailure(alertID: webhook.alertID, reason: "HTTP 503", now: t0, retryAt: t0.addingTimeInterval(15))
            #expect(try await store.dueAlerts(now: t0.addingTimeInterval(14), limit: 10).map(\.channel) == [.email])
            let retried = try await store.dueAlerts(now: t0.addingTimeInterval(15), limit: 10, excluding: [])
            #expect(retried.first { $0.channel == .webhook }?.alertID == webhook.alertID)
            #expect(retried.first { $0.channel == .webhook }?.attempts == 1)
            try await store.recordAlertFailure(alertID: webhook.alertID, reason: "HTTP 503", now: t0.addingTimeInterval(15), retryAt: nil)
            let facts = try await store.alertChannelFacts(pocID: tec)
            #expect(facts.first { $0.channel == .webhook }?.lastFailure == "HTTP 503")
            // The e-mail channel is unset before its alert is sent: given up, not sent elsewhere.
            try await store.setAlertSettings(pocID: tec, email: nil, webhook: "https://tec.example/hook", urgencies: [.flash], now: t0)
            #expect(try await store.dueAlerts(now: t0.addingTimeInterval(20), limit: 10).isEmpty)
            let counts = try await store.alertCounts()
            #expect(counts.map(\.failed).reduce(0, +) == 2)
            #expect(counts.map(\.pending).reduce(0, +) == 0)
        }
    }

    @Test("a store without delays (host commands) writes no checks")
    func noDelays() async throws {
        try await withStore { store, _ in
            let (sender, tec, _) = try await scenario(store)
            _ = try await store.submit(envelope: envelope(id: "m1", from: sender, to: [tec], urgency: .flash), now: t0)
            #expect(try await store.nextAlertWork() == nil)
        }
    }
}
