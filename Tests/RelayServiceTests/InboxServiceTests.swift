import Foundation
import RelayProtocol
import RelayTestSupport
import Sodium
import Testing

@testable import RelayService

/// `RelayService.inbox` over a real store: the production query
/// (`activeInbox`) and the first-fetch marks (group commit), as the HTTP
/// layer calls it.
@Suite("Service inbox", .timeLimit(.minutes(1)))
struct InboxServiceTests {
    @Test("most urgent first, then oldest first; the limit is clamped to 1...maxInboxLimit")
    func orderingAndLimit() async throws {
        try await withService(configure: { $0.maxInboxLimit = 4 }) { service, clock in
            let fra = try await service.enrolAndLogIn("FRA"), deu = try await service.enrolAndLogIn("DEU")
            var sent: [String: MessageID] = [:]
            for (name, urgency) in [
                ("routine-old", Urgency.routine), ("flash-old", .flash), ("routine-new", .routine), ("priority", .priority),
                ("flash-new", .flash), ("immediate", .immediate),
            ] {
                sent[name] = try await service.send(from: fra, to: [deu], urgency: urgency)
                clock.advance(seconds: 1)
            }
            let order = ["flash-old", "flash-new", "immediate", "priority", "routine-old", "routine-new"].map { sent[$0]! }

            #expect(try await service.inbox(for: deu.caller, wait: 0, limit: 3).messages.map(\.id) == Array(order.prefix(3)))
            #expect(try await service.inbox(for: deu.caller, wait: 0, limit: 100).messages.map(\.id) == Array(order.prefix(4)))
            #expect(try await service.inbox(for: deu.caller, wait: 0, limit: 0).messages.map(\.id) == [order[0]])
            #expect(try await service.inbox(for: fra.caller, wait: 0, limit: 10).messages.isEmpty)

            let first = try #require(try await service.inbox(for: deu.caller, wait: 0, limit: 1).messages.first)
            #expect(first.from == fra.id && first.to == [deu.id] && first.urgency == .flash)
        }
    }

    @Test("the first fetch is recorded once, at the service's clock")
    func firstFetchRecorded() async throws {
        try await withService { service, clock in
            let fra = try await service.enrolAndLogIn("FRA"), deu = try await service.enrolAndLogIn("DEU")
            let id = try await service.send(from: fra, to: [deu])
            #expect(try await service.status(messageID: id.rawValue, for: fra.caller).recipients.first?.fetchedAt == nil)

            clock.advance(seconds: 30)
            let fetchedAt = Timestamp(clock.now())
            #expect(try await service.inbox(for: deu.caller, wait: 0, limit: 10).messages.map(\.id) == [id])
            #expect(try await service.status(messageID: id.rawValue, for: fra.caller).recipients.first?.fetchedAt == fetchedAt)
            clock.advance(seconds: 30)
            #expect(try await service.inbox(for: deu.caller, wait: 0, limit: 10).messages.map(\.id) == [id])
            #expect(try await service.status(messageID: id.rawValue, for: fra.caller).recipients.first?.fetchedAt == fetchedAt)
        }
    }

    @Test("a receipt takes the message out of its recipient's inbox, and only its recipient's")
    func receiptRemoves() async throws {
        try await withService { service, _ in
            let fra = try await service.enrolAndLogIn("FRA")
            let deu = try await service.enrolAndLogIn("DEU"), kor = try await service.enrolAndLogIn("KOR")
            let first = try await service.send(from: fra, to: [deu, kor], urgency: .flash)
            let second = try await service.send(from: fra, to: [deu])
            let message = try #require(try await service.inbox(for: deu.caller, wait: 0, limit: 10).messages.first)
            #expect(message.id == first)

            await expectFailure(422) {
                try await service.receipt(messageID: first.rawValue, signature: Data(repeating: 0, count: 64), from: deu.caller)
            }
            #expect(try await service.inbox(for: deu.caller, wait: 0, limit: 10).messages.map(\.id) == [first, second])

            let signature = Receipt.sign(messageID: first, recipient: deu.id, body: message.body.data, identity: deu.identity)
            try await service.receipt(messageID: first.rawValue, signature: signature, from: deu.caller)
            #expect(try await service.inbox(for: deu.caller, wait: 0, limit: 10).messages.map(\.id) == [second])
            #expect(try await service.inbox(for: kor.caller, wait: 0, limit: 10).messages.map(\.id) == [first])
        }
    }

    @Test("a revoked recipient gets 401 from the inbox, and its session is forgotten at once")
    func revokedRecipient() async throws {
        try await withService { service, _ in
            let fra = try await service.enrolAndLogIn("FRA"), deu = try await service.enrolAndLogIn("DEU")
            try await service.send(from: fra, to: [deu])
            #expect(try await service.authenticate(token: deu.token) == deu.caller)
            #expect(service.callers.caller(poc: deu.id.rawValue) == deu.caller)

            try await service.revoke(pocID: deu.id)
            #expect(service.callers.caller(poc: deu.id.rawValue) == nil)
            await expectFailure(401) { try await service.inbox(for: deu.caller, wait: 0, limit: 10) }
            await expectFailure(401) { try await service.authenticate(token: deu.token) }
            #expect(try await service.authenticate(token: fra.token) == fra.caller)
        }
    }

    @Test("a long poll answers as soon as a message for it commits")
    func longPollWakes() async throws {
        try await withService { service, _ in
            let fra = try await service.enrolAndLogIn("FRA"), deu = try await service.enrolAndLogIn("DEU")
            let start = ContinuousClock.now
            let poll = Task { try await service.inbox(for: deu.caller, wait: 30, limit: 10) }
            try await eventually { await service.notifier.waiterCount(for: deu.id.rawValue) == 1 }
            let id = try await service.send(from: fra, to: [deu])
            #expect(try await poll.value.messages.map(\.id) == [id])
            #expect(ContinuousClock.now - start < .seconds(15))
        }
    }

    @Test("a long poll of a POC revoked while it waits ends with 401")
    func longPollRevoked() async throws {
        try await withService { service, _ in
            let deu = try await service.enrolAndLogIn("DEU")
            let start = ContinuousClock.now
            let poll = Task { try await service.inbox(for: deu.caller, wait: 30, limit: 10) }
            try await eventually { await service.notifier.waiterCount(for: deu.id.rawValue) == 1 }
            try await service.revoke(pocID: deu.id)
            await expectFailure(401) { try await poll.value }
            #expect(ContinuousClock.now - start < .seconds(15))
        }
    }

    @Test("a long poll with nothing new answers empty after its wait, or at once when its client goes away")
    func longPollEmpty() async throws {
        try await withService { service, _ in
            let deu = try await service.enrolAndLogIn("DEU")
            let start = ContinuousClock.now
            #expect(try await service.inbox(for: deu.caller, wait: 1, limit: 10).messages.isEmpty)
            let took = ContinuousClock.now - start
            #expect(took >= .milliseconds(900) && took < .seconds(15))

            let cancelled = ContinuousClock.now
            let poll = Task { try await service.inbox(for: deu.caller, wait: 30, limit: 10) }
            try await eventually { await service.notifier.waiterCount(for: deu.id.rawValue) == 1 }
            poll.cancel()
            let outcome = await poll.result
            #expect(ContinuousClock.now - cancelled < .seconds(15))
            // A cancelled poll ends with an empty inbox, not a store read that cannot run.
            let messages = try outcome.get().messages
            #expect(messages.isEmpty)
        }
    }
}
