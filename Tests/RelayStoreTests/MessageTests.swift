import Foundation
import RelayProtocol
import RelayStore
import Sodium
import Testing

@Suite("Submitting, inbox and receipts")
struct MessageTests {
    @Test("submit answers accepted, then duplicate for the same envelope, conflict for another")
    func submitOutcomes() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical)
            let b = try await enrol(store, state: "DEU", role: .technical)
            let first = envelope(id: "m1", from: a.id, to: [b.id])
            #expect(try await store.submit(envelope: first, now: t0) == .accepted(acceptedAt: t0))
            #expect(
                try await store.submit(envelope: first, now: t0.addingTimeInterval(5)) == .duplicate(acceptedAt: t0))
            let other = envelope(id: "m1", from: a.id, to: [b.id], hash: Data("another".utf8))
            #expect(try await store.submit(envelope: other, now: t0) == .conflict)

            #expect(try await store.submit(envelope: envelope(id: "m2", from: a.id, to: ["NOBODY"]), now: t0) == .invalid)
            #expect(try await store.submit(envelope: envelope(id: "m3", from: "NOBODY", to: [b.id]), now: t0) == .invalid)
            #expect(try await store.submit(envelope: envelope(id: "m5", from: a.id, to: []), now: t0) == .invalid)
            for id in ["m2", "m3", "m5"] {
                #expect(try await store.messageStatus(id: id) == nil)
            }
            let status = try #require(try await store.messageStatus(id: "m1"))
            #expect(status.sender == a.id && status.acceptedAt == t0 && status.urgency == .routine)
        }
    }

    @Test("a batch commits every item; a conflict or invalid item fails only itself")
    func batchIndependentItems() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical)
            let b = try await enrol(store, state: "DEU", role: .technical)
            _ = try await store.submit(envelope: envelope(id: "taken", from: a.id, to: [b.id]), now: t0)
            let now = t0.addingTimeInterval(10)
            let batch = [
                envelope(id: "b1", from: a.id, to: [b.id]),
                envelope(id: "taken", from: a.id, to: [b.id], hash: Data("other".utf8)),
                envelope(id: "b2", from: a.id, to: ["NOBODY"]),
                envelope(id: "b3", from: a.id, to: [b.id]),
                envelope(id: "b3", from: a.id, to: [b.id]),
                envelope(id: "b1", from: a.id, to: [b.id], hash: Data("other".utf8)),
            ]
            let outcomes = try await store.submit(batch: batch, now: now)
            #expect(
                outcomes == [
                    .accepted(acceptedAt: now), .conflict, .invalid, .accepted(acceptedAt: now),
                    .duplicate(acceptedAt: now), .conflict,
                ])
            let inbox = try await store.fetchInbox(recipient: b.id, limit: 10, now: now)
            #expect(inbox.map(\.id) == ["taken", "b1", "b3"])
            #expect(try await store.messageStatus(id: "b2") == nil)
        }
    }

    @Test("inbox: most urgent first, then oldest first; limit; fetched_at set once")
    func inboxOrdering() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical)
            let b = try await enrol(store, state: "FRA", role: .diplomatic)
            let c = try await enrol(store, state: "DEU", role: .technical)
            let sends: [(String, Urgency, TimeInterval)] = [
                ("r-old", .routine, 0), ("f-new", .flash, 20), ("r-new", .routine, 5),
                ("f-old", .flash, 10), ("p", .priority, 1), ("f-tie-b", .flash, 10),
            ]
            for (id, urgency, offset) in sends {
                let outcome = try await store.submit(
                    envelope: envelope(id: id, from: a.id, to: [c.id, b.id], urgency: urgency),
                    now: t0.addingTimeInterval(offset))
                #expect(outcome == .accepted(acceptedAt: t0.addingTimeInterval(offset)))
            }
            let expected = ["f-old", "f-tie-b", "f-new", "p", "r-old", "r-new"]
            #expect(try await store.hasWaitingMessages(recipient: b.id))
            #expect(try await store.hasWaitingMessages(recipient: a.id) == false)

            let firstFetch = t0.addingTimeInterval(100)
            let top = try await store.fetchInbox(recipient: b.id, limit: 2, now: firstFetch)
            #expect(top.map(\.id) == ["f-old", "f-tie-b"])
            let all = try await store.fetchInbox(recipient: b.id, limit: 50, now: t0.addingTimeInterval(200))
            #expect(all.map(\.id) == expected)

            let item = try #require(all.first)
            #expect(item.from == a.id && item.to == [c.id, b.id].sorted() && item.urgency == .flash)
            #expect(item.exercise == false && item.acceptedAt == t0.addingTimeInterval(10))
            #expect(item.wrappedKey == Data("key-f-old-\(b.id)".utf8) && item.body == Data("ciphertext".utf8))

            let fetched = try #require(try await store.messageStatus(id: "f-old"))
            #expect(fetched.recipients.first { $0.pocID == b.id }?.fetchedAt == firstFetch)
            #expect(fetched.recipients.first { $0.pocID == c.id }?.fetchedAt == nil)
            let later = try #require(try await store.messageStatus(id: "r-old"))
            #expect(later.recipients.first { $0.pocID == b.id }?.fetchedAt == t0.addingTimeInterval(200))
        }
    }

    @Test("activeInbox: nil for an unknown or revoked recipient; unfetched names only messages never marked")
    func activeInboxQuery() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical)
            let b = try await enrol(store, state: "DEU", role: .technical)
            _ = try await store.submit(envelope: envelope(id: "m1", from: a.id, to: [b.id]), now: t0)
            _ = try await store.submit(envelope: envelope(id: "m2", from: a.id, to: [b.id]), now: t0.addingTimeInterval(1))
            #expect(try await store.activeInbox(recipient: "NOBODY", limit: 10) == nil)

            // Reading marks nothing: both stay unfetched until markFetched.
            let first = try #require(try await store.activeInbox(recipient: b.id, limit: 10))
            #expect(first.items.map(\.id) == ["m1", "m2"] && first.unfetched == ["m1", "m2"])
            #expect(try await store.waitingMessages(recipient: b.id, limit: 10).unfetched == ["m1", "m2"])
            try await store.markFetched([FetchMark(recipient: b.id, messageIDs: ["m1"])], now: t0.addingTimeInterval(5))
            let second = try #require(try await store.activeInbox(recipient: b.id, limit: 10))
            #expect(second.items.map(\.id) == ["m1", "m2"] && second.unfetched == ["m2"])
            #expect(try await store.messageStatus(id: "m1")?.recipients.first?.fetchedAt == t0.addingTimeInterval(5))

            _ = try await store.revoke(pocID: b.id, now: t0.addingTimeInterval(10))
            #expect(try await store.activeInbox(recipient: b.id, limit: 10) == nil)
            await #expect(throws: InactiveRecipient.self) { try await store.fetchInbox(recipient: b.id, limit: 10, now: t0) }
        }
    }

    @Test("receipts: idempotent, notFound for strangers, body deleted after the last one")
    func receiptFlow() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical)
            let b = try await enrol(store, state: "DEU", role: .technical)
            let c = try await enrol(store, state: "KOR", role: .technical)
            let body = Data("sealed-body".utf8)
            _ = try await store.submit(envelope: envelope(id: "m1", from: a.id, to: [b.id, c.id], body: body), now: t0)

            // The body's digest was stored at submission: a receipt is checked without the ciphertext.
            #expect(try await store.bodyDigestForReceipt(messageID: "m1", recipient: b.id) == SHA256.hash(body))
            #expect(try await store.bodyDigestForReceipt(messageID: "m1", recipient: a.id) == nil)

            let t1 = t0.addingTimeInterval(30)
            let signatureB = randomBytes(64)
            #expect(try await store.recordReceipt(messageID: "m1", recipient: b.id, signature: signatureB, now: t1) == .recorded)
            #expect(
                try await store.recordReceipt(messageID: "m1", recipient: b.id, signature: signatureB, now: t1)
                    == .alreadyRecorded)
            #expect(try await store.recordReceipt(messageID: "m1", recipient: a.id, signature: signatureB, now: t1) == .notFound)
            #expect(try await store.recordReceipt(messageID: "zz", recipient: b.id, signature: signatureB, now: t1) == .notFound)

            #expect(try await store.fetchInbox(recipient: b.id, limit: 10, now: t1).isEmpty)
            #expect(try await store.fetchInbox(recipient: c.id, limit: 10, now: t1).map(\.id) == ["m1"])
            #expect(try await store.bodyDigestForReceipt(messageID: "m1", recipient: c.id) == SHA256.hash(body))
            #expect(try await store.messageStatus(id: "m1")?.bodyDeletedAt == nil)

            let t2 = t0.addingTimeInterval(60)
            let signatureC = randomBytes(64)
            #expect(try await store.recordReceipt(messageID: "m1", recipient: c.id, signature: signatureC, now: t2) == .recorded)
            #expect(try await store.bodyDigestForReceipt(messageID: "m1", recipient: c.id) == nil)
            #expect(try await store.fetchInbox(recipient: c.id, limit: 10, now: t2).isEmpty)

            let status = try #require(try await store.messageStatus(id: "m1"))
            #expect(status.bodyDeletedAt == t2)
            #expect(status.recipients.map(\.pocID) == [b.id, c.id])
            #expect(status.recipients.map(\.receiptAt) == [t1, t2])
            #expect(status.recipients.map(\.receiptSignature) == [signatureB, signatureC])
            #expect(try await store.integrityCheck() == "ok")
        }
    }
}

@Suite("Concurrent use")
struct ConcurrencyTests {
    @Test("concurrent submits and inbox reads all succeed")
    func concurrentSubmits() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical).id
            let b = try await enrol(store, state: "DEU", role: .technical).id
            let outcomes = try await withThrowingTaskGroup(of: SubmitOutcome.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        if index % 4 == 0 { _ = try await store.hasWaitingMessages(recipient: b) }
                        return try await store.submit(
                            envelope: envelope(id: String(format: "m%02d", index), from: a, to: [b]), now: t0)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.count == 40 && outcomes.allSatisfy { $0 == .accepted(acceptedAt: t0) })
            let inbox = try await store.fetchInbox(recipient: b, limit: 100, now: t0)
            // Same second, same urgency: commit order, which concurrent submitters do not fix.
            #expect(inbox.map(\.id).sorted() == (0..<40).map { String(format: "m%02d", $0) })
        }
    }
}
