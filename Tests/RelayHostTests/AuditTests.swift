import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

/// `GET /v1/audit/delivery` figures on known scenarios, over HTTPS.
@Suite("Delivery audit over HTTPS", .timeLimit(.minutes(1)))
struct AuditTests {
    /// A row's figures without the times, for exact comparison.
    struct Figures: Equatable, CustomStringConvertible {
        let urgency: Urgency
        let exercise: Bool
        let accepted: Int
        let receipted: Int
        let late: Int
        init(_ urgency: Urgency, exercise: Bool, accepted: Int, receipted: Int, late: Int) {
            (self.urgency, self.exercise, self.accepted, self.receipted, self.late) = (urgency, exercise, accepted, receipted, late)
        }
        init(_ row: DeliveryAudit.UrgencyRow) {
            self.init(row.urgency, exercise: row.exercise, accepted: row.accepted, receipted: row.receipted, late: row.late)
        }
        var description: String { "\(urgency)\(exercise ? "/exercise" : ""): accepted \(accepted) receipted \(receipted) late \(late)" }
    }

    /// Fetches `poc`'s inbox and sends receipts for the messages in `ids`; returns what was fetched.
    static func receipt(_ poc: TestPOC, _ ids: [MessageID], sender: TestPOC) async throws -> [InboxMessage] {
        let inbox = try await poc.session.inbox(wait: 0, limit: 50).messages
        for message in inbox where ids.contains(message.id) {
            _ = try poc.open(message, senderKey: sender.identity.publicKey)
            try await poc.session.sendReceipt(for: message)
        }
        return inbox
    }

    @Test("3 flash and 1 routine exercise message: accepted, receipted, exercise apart, nothing late or undelivered")
    func freshScenario() async throws {
        try await withTemporaryDirectory { directory in
            try await withRelay(dataDirectory: directory.path) { relay, api in
                let sender = try await relay.enrol("FRA", .technical, api: api)
                let first = try await relay.enrol("DEU", .technical, api: api)
                let second = try await relay.enrol("BRA", .technical, api: api)
                let custodian = try await relay.enrol("UNO", .custodian, api: api)

                let empty = try await custodian.session.auditDelivery()
                #expect(empty.byUrgency.isEmpty && empty.undelivered.isEmpty)

                let started = Date()
                let f1 = try sender.seal(to: [first, second], urgency: .flash)
                let f2 = try sender.seal(to: [first], urgency: .flash)
                let f3 = try sender.seal(to: [second], urgency: .flash)
                let exercise = try sender.seal(to: [first], urgency: .routine, exercise: true)
                for envelope in [f1, f2, f3, exercise] { #expect(try await sender.session.submit(envelope).created) }

                let firstInbox = try await Self.receipt(first, [f1.id, f2.id, exercise.id], sender: sender)
                // Most urgent first (f1 and f2 share their acceptance second: either order).
                #expect(Set(firstInbox.prefix(2).map(\.id)) == [f1.id, f2.id])
                #expect(firstInbox.map(\.id).last == exercise.id)
                #expect(firstInbox.count == 3)
                let secondInbox = try await Self.receipt(second, [f1.id], sender: sender)
                #expect(Set(secondInbox.map(\.id)) == [f1.id, f3.id])
                #expect(secondInbox.count == 2)

                let audit = try await custodian.session.auditDelivery()
                // receipted counts receipts (one per recipient), accepted counts messages: f1 has two recipients.
                #expect(
                    audit.byUrgency.map(Figures.init) == [
                        Figures(.flash, exercise: false, accepted: 3, receipted: 3, late: 0),
                        Figures(.routine, exercise: true, accepted: 1, receipted: 1, late: 0),
                    ])
                // Receipt times are whole seconds, at most the time this scenario took.
                let elapsed = Int64(Date().timeIntervalSince(started).rounded(.up)) + 1
                for row in audit.byUrgency {
                    #expect((0...elapsed).contains(row.medianReceiptS ?? -1), "\(row)")
                    let (median, p95) = (row.medianReceiptS ?? -1, row.p95ReceiptS ?? -1)
                    #expect(p95 >= median && p95 <= elapsed, "\(row)")
                }
                #expect(audit.undelivered.isEmpty)

                // The same figures from the host tool's view of the service.
                #expect(try await relay.service.deliveryAudit(for: nil) == audit)

                // The status of the unreceipted message: fetched, no receipt.
                let status = try await custodian.session.status(messageID: f3.id)
                #expect(status.recipients.map(\.pocID) == [second.id])
                #expect(status.recipients.first?.fetchedAt != nil)
                #expect(status.recipients.first?.receiptAt == nil)
                #expect(try await sender.session.status(messageID: f3.id).urgency == .flash)
                await expectStatus(404) { try await first.session.status(messageID: f3.id) }
                await expectStatus(403) { try await sender.session.auditDelivery() }
            }
        }
    }

    @Test("with a 6 s flash window: a late receipt and an overdue recipient count as late; the overdue message is undelivered")
    func lateAndUndelivered() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            try await withRelay(dataDirectory: directory.path, clock: clock, configure: { $0.service.receiptWindows[.flash] = 6 }) { relay, api in
                // The relay's clock only moves when the test says, so the window is crossed deterministically.
                #expect(try await api.relayInfo().receiptWindows["flash"] == 6)
                let sender = try await relay.enrol("FRA", .technical, api: api)
                let first = try await relay.enrol("DEU", .technical, api: api)
                let second = try await relay.enrol("BRA", .technical, api: api)
                let custodian = try await relay.enrol("UNO", .custodian, api: api)
                for poc in [first, second, custodian] { _ = try await poc.session.token() }

                let both = try sender.seal(to: [first, second], urgency: .flash)
                let single = try sender.seal(to: [first], urgency: .flash, exercise: true)
                let immediate = try sender.seal(to: [first], urgency: .immediate)
                let accepted = try await sender.session.submit(both).response.acceptedAt
                let singleAccepted = try await sender.session.submit(single).response.acceptedAt
                _ = try await sender.session.submit(immediate)
                _ = try await Self.receipt(first, [both.id], sender: sender)

                let early = try await custodian.session.auditDelivery()
                #expect(early.byUrgency.allSatisfy { $0.late == 0 }, "\(early.byUrgency)")
                #expect(early.undelivered.isEmpty)

                // Past both windows: every duration measured from now on is at least 7 s.
                clock.advance(past: max(accepted, singleAccepted).date, by: 7.3)
                _ = try await Self.receipt(first, [single.id], sender: sender)

                let audit = try await custodian.session.auditDelivery()
                #expect(
                    audit.byUrgency.map(Figures.init) == [
                        Figures(.flash, exercise: false, accepted: 1, receipted: 1, late: 1),
                        Figures(.flash, exercise: true, accepted: 1, receipted: 1, late: 1),
                        Figures(.immediate, exercise: false, accepted: 1, receipted: 0, late: 0),
                    ])
                let real = try #require(audit.byUrgency.first { $0.urgency == .flash && !$0.exercise })
                #expect((0...5).contains(real.medianReceiptS ?? -1))
                let drill = try #require(audit.byUrgency.first { $0.urgency == .flash && $0.exercise })
                #expect((real.p95ReceiptS ?? -1) <= 5)
                #expect((drill.medianReceiptS ?? -1) >= 7)
                #expect(audit.byUrgency.first { $0.urgency == .immediate }?.medianReceiptS == nil)

                #expect(audit.undelivered.map(\.id) == [both.id], "only the message with a recipient overdue")
                let overdue = try #require(audit.undelivered.first)
                #expect(overdue.from == sender.id)
                #expect(overdue.to == [first.id, second.id].sorted())
                #expect(overdue.urgency == .flash)
                #expect(!overdue.exercise)
                #expect(overdue.acceptedAt == accepted)
            }
        }
    }
}
