import Foundation
import RelayProtocol
import RelayStore
import RelayTestSupport
import Sodium
import Testing

@Suite("poc-relay check warns when alerts fail", .timeLimit(.minutes(1)))
struct CheckAlertTests {
    /// A POC written straight into the store through an invitation, as enrolment does.
    static func enrol(_ store: RelayStore, state: String, role: Role, now: Date) async throws -> String {
        let hash = SecureRandom.bytes(count: 32)
        try await store.createInvite(tokenHash: hash, state: state, role: role, expiresAt: now.addingTimeInterval(3600), now: now)
        let poc = NewPOC(
            signingKey: SecureRandom.bytes(count: 32), boxKey: SecureRandom.bytes(count: 32), keyCreatedAt: "2026-11-22T10:00:00Z",
            keySignature: SecureRandom.bytes(count: 64), entryJSON: #"{"entity":"CERT"}"#)
        return try await store.redeemInvite(tokenHash: hash, now: now, newPOC: poc).id
    }

    @Test("an alert being retried is a warning (exit 1) naming what to look at; once it is sent, check is fine again")
    func failingAlerts() async throws {
        try await withTemporaryDirectory { directory in
            let data = try await CheckTests.initialised(directory)
            let store = try RelayStore(path: (data as NSString).appendingPathComponent("relay.sqlite"))
            let now = Date()
            let sender = try await Self.enrol(store, state: "FRA", role: .technical, now: now)
            let recipient = try await Self.enrol(store, state: "DEU", role: .technical, now: now)
            try await store.setAlertSettings(pocID: recipient, email: nil, webhook: "https://hook.example/a", urgencies: [.flash], now: now)
            let envelope = NewEnvelope(
                id: String(repeating: "ab", count: 16), sender: sender, urgency: .flash, exercise: false,
                commitment: SecureRandom.bytes(count: 32), body: Data("sealed".utf8), envelopeHash: SecureRandom.bytes(count: 32),
                wrappedKeys: [recipient: SecureRandom.bytes(count: 80)], expiresAt: now.addingTimeInterval(86_400))
            _ = try await store.submit(envelope: envelope, now: now, alertDelays: AlertDelays(waiting: [.flash: 0], escalation: [:]))
            _ = try await store.runDueAlertChecks(now: now)
            let alert = try #require(try await store.dueAlerts(now: now, limit: 1).first)
            try await store.recordAlertFailure(alertID: alert.alertID, reason: "HTTP 503", now: now, retryAt: now.addingTimeInterval(60))
            let failing = try await pocRelay(["check", "--data-dir", data])
            #expect(failing.status == 1, "\(failing)")
            #expect(
                failing.errorLines.contains { $0.hasPrefix("poc-relay: warning: alerts are failing: 1 being retried after a failed attempt;") },
                "\(failing)")
            try await store.recordAlertSent(alertID: alert.alertID, now: now)
            try store.close()
            let fine = try await pocRelay(["check", "--data-dir", data])
            #expect(fine.status == 0, "\(fine)")
            #expect(fine.standardOutput.contains("ok: alerts: none failing"), "\(fine)")
        }
    }
}
