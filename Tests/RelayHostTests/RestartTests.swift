import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

/// A relay stopped and started again on the same data directory.
@Suite("Restart", .timeLimit(.minutes(1)))
struct RestartTests {
    /// What the first run leaves for the second.
    struct FirstRun: Sendable {
        let relayID: String
        let sender: TestPOC
        let first: TestPOC
        let second: TestPOC
        let envelopes: [String: Envelope]
        let acceptedAt: [MessageID: Timestamp]
        let secondToken: String
    }

    @Test("accepted messages, sessions and the relay id survive a restart")
    func inboxSurvivesRestart() async throws {
        try await withTemporaryDirectory { directory in
            let before = try await withRelay(dataDirectory: directory.path) { relay, api in
                let sender = try await relay.enrol("FRA", .technical, api: api)
                let first = try await relay.enrol("DEU", .technical, api: api)
                let second = try await relay.enrol("BRA", .technical, api: api)
                let envelopes = [
                    "both": try sender.seal(to: [first, second], subject: "both", urgency: .flash),
                    "first": try sender.seal(to: [first], subject: "first", urgency: .routine),
                    "second": try sender.seal(to: [second], subject: "second", urgency: .priority, exercise: true),
                    "done": try sender.seal(to: [first], subject: "done", urgency: .immediate),
                ]
                var acceptedAt: [MessageID: Timestamp] = [:]
                for envelope in envelopes.values {
                    let (response, created) = try await sender.session.submit(envelope)
                    #expect(created)
                    acceptedAt[envelope.id] = response.acceptedAt
                }
                // The first recipient fetches everything and signs for one message only.
                let inbox = try await first.session.inbox(wait: 0, limit: 10).messages
                #expect(inbox.count == 3)
                let done = try #require(inbox.first { $0.id == envelopes["done"]?.id })
                try await first.session.sendReceipt(for: done)
                return FirstRun(
                    relayID: relay.service.relayID, sender: sender, first: first, second: second, envelopes: envelopes,
                    acceptedAt: acceptedAt, secondToken: try await second.session.token())
            }

            try await withRelay(dataDirectory: directory.path) { relay, api in
                #expect(relay.service.relayID == before.relayID)
                #expect(try await api.relayInfo().relayID == before.relayID)
                func session(_ poc: TestPOC) -> RelaySession {
                    RelaySession(api: api, identity: poc.identity, pocID: poc.id, relayID: relay.service.relayID)
                }
                let envelope = { (name: String) in before.envelopes[name]! }

                // Logging in again works; the inbox holds every accepted, unreceipted message in order.
                let first = session(before.first)
                let firstInbox = try await first.inbox(wait: 0, limit: 10).messages
                #expect(firstInbox.map(\.id) == [envelope("both").id, envelope("first").id])
                for message in firstInbox {
                    let opened = try before.first.open(message, senderKey: before.sender.identity.publicKey)
                    #expect(opened.inner.id == message.id)
                    #expect(message.acceptedAt == before.acceptedAt[message.id])
                }

                // Delivery state survived: fetched before the restart, receipted before the restart.
                let sender = session(before.sender)
                let status = try await sender.status(messageID: envelope("both").id)
                #expect(status.recipients.first { $0.pocID == before.first.id }?.fetchedAt != nil)
                #expect(status.recipients.first { $0.pocID == before.second.id }?.fetchedAt == nil)
                #expect(try await sender.status(messageID: envelope("done").id).recipients.first?.receiptAt != nil)

                // The session token issued before the restart still works: sessions live in the store.
                let secondInbox = try await api.inbox(wait: 0, limit: 10, token: before.secondToken).messages
                #expect(secondInbox.map(\.id) == [envelope("both").id, envelope("second").id])
                #expect(secondInbox.last?.exercise == true)

                // Resubmitting an envelope accepted before the restart is recognised (200, same time).
                let again = try await sender.submit(envelope("first"))
                #expect(!again.created)
                #expect(again.response.acceptedAt == before.acceptedAt[envelope("first").id])

                // And the messages can be completed now.
                for message in firstInbox { try await first.sendReceipt(for: message) }
                #expect(try await first.inbox(wait: 0, limit: 10).messages.isEmpty)
                let stored = try #require(try await relay.service.store.messageStatus(id: envelope("first").id.rawValue))
                #expect(stored.bodyDeletedAt != nil)
                #expect(try await sender.directory().entries.count == 3)
            }
        }
    }
}
