import Foundation
import GRDB
import RelayProtocol
import Testing

@testable import RelayStore

@Suite("Audit facts and unreadable rows")
struct AuditTests {
    @Test("delivery facts: one per recipient, by acceptance time, id and recipient, with receipts")
    func deliveryFacts() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical).id
            let b = try await enrol(store, state: "DEU", role: .technical).id
            let c = try await enrol(store, state: "KOR", role: .technical).id
            _ = try await store.submit(envelope: envelope(id: "m2", from: a, to: [c, b], urgency: .flash), now: t0.addingTimeInterval(5))
            _ = try await store.submit(
                envelope: envelope(id: "m1", from: a, to: [b], urgency: .routine, exercise: true), now: t0.addingTimeInterval(5))
            _ = try await store.submit(envelope: envelope(id: "m0", from: b, to: [a], urgency: .priority), now: t0)
            _ = try await store.recordReceipt(messageID: "m2", recipient: c, signature: randomBytes(64), now: t0.addingTimeInterval(9))

            let facts = try await store.deliveryFacts()
            #expect(facts.map(\.messageID) == ["m0", "m1", "m2", "m2"])
            #expect(facts.map(\.recipient) == [a, b, b, c])
            #expect(facts.map(\.urgency) == [.priority, .routine, .flash, .flash])
            #expect(facts.map(\.exercise) == [false, true, false, false])
            #expect(facts.map(\.receiptAt) == [nil, nil, nil, t0.addingTimeInterval(9)])
            #expect(
                facts[2]
                    == DeliveryFact(
                        messageID: "m2", sender: a, urgency: .flash, exercise: false, acceptedAt: t0.addingTimeInterval(5), recipient: b,
                        receiptAt: nil))
        }
    }

    @Test("an empty store has no facts")
    func empty() async throws {
        try await withStore { store, _ in
            let facts = try await store.deliveryFacts()
            let campaigns = try await store.campaigns()
            #expect(facts.isEmpty && campaigns.isEmpty)
        }
    }

    @Test("a stored value outside its set fails the read with unreadableRow, never a silent default")
    func unreadableRow() async throws {
        try await withTemporaryDirectory { directory in
            let store = try RelayStore(path: storePath(in: directory))
            let poc = try await enrol(store, state: "FRA", role: .technical)
            _ = try await store.submit(envelope: envelope(id: "m1", from: poc.id, to: [poc.id], urgency: .flash), now: t0)
            try store.close()
            // What a newer binary, or a damaged file, might hold: written past the
            // schema's own checks, as nothing in this binary could write it.
            let queue = try DatabaseQueue(path: storePath(in: directory))
            try await queue.write { db in
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
                try db.execute(sql: "UPDATE pocs SET role = 'observer' WHERE poc_id = ?", arguments: [poc.id])
                try db.execute(sql: "UPDATE envelopes SET urgency = 'urgent' WHERE id = 'm1'")
            }
            try queue.close()
            let reopened = try RelayStore(path: storePath(in: directory))
            defer { try? reopened.close() }
            let pocs = await #expect(throws: StoreError.self) { try await reopened.allPOCs() }
            #expect(pocs?.code == .unreadableRow)
            let lookup = await #expect(throws: StoreError.self) { try await reopened.poc(id: poc.id) }
            #expect(lookup?.code == .unreadableRow)
            let facts = await #expect(throws: StoreError.self) { try await reopened.deliveryFacts() }
            #expect(facts?.code == .unreadableRow)
            let status = await #expect(throws: StoreError.self) { try await reopened.messageStatus(id: "m1") }
            #expect(status?.code == .unreadableRow)
            #expect(status?.reason.contains("urgency") == true)
        }
    }
}
