import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

@Suite("Messages: submission, inbox, receipts, status")
struct MessageEndpointTests {
    @Test("a sealed message goes in with 201, opens for its recipient, and a receipt empties the inbox")
    func roundTrip() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let envelope = try fra.seal(to: [deu], subject: "Scan", body: "192.0.2.0/24", urgency: .immediate)
            let (response, created) = try await fra.session.submit(envelope)
            #expect(created)
            #expect(response.id == envelope.id)
            let inbox = try await deu.session.inbox(wait: 0, limit: 10)
            #expect(inbox.messages.count == 1)
            let message = try #require(inbox.messages.first)
            #expect(message.from == fra.id && message.urgency == .immediate && !message.exercise)
            let opened = try deu.open(message, senderKey: fra.identity.publicKey)
            #expect(opened.inner.body == "192.0.2.0/24")
            try await deu.session.sendReceipt(for: message)
            #expect(try await deu.session.inbox(wait: 0, limit: 10).messages.isEmpty)
            let status = try await fra.session.status(messageID: envelope.id)
            let delivery = try #require(status.recipients.first)
            #expect(delivery.pocID == deu.id && delivery.fetchedAt != nil && delivery.receiptAt != nil)
            #expect(
                Receipt.isValid(
                    try #require(delivery.receiptSignature).data, messageID: envelope.id, recipient: deu.id, body: envelope.body,
                    key: deu.identity.publicKey))
            // The receipt is idempotent.
            try await deu.session.sendReceipt(for: message)
        }
    }

    @Test("an identical resubmission answers 200 with the same body; another envelope with the id 409")
    func idempotency() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let envelope = try fra.seal(to: [deu])
            let first = try await fra.session.submit(envelope)
            let second = try await fra.session.submit(envelope)
            #expect(first.created && !second.created)
            #expect(first.response == second.response)
            var other = try fra.seal(to: [deu], body: "different")
            other.id = envelope.id
            await expectStatus(409) { try await fra.session.submit(other) }
            #expect(try await deu.session.inbox(wait: 0, limit: 10).messages.count == 1)
        }
    }

    @Test("submission errors: not the sender 403, unknown recipient 422, duplicates 422, keys 400, commitment 400, sizes 413")
    func submissionErrors() async throws {
        try await withRelay(configure: { $0.service.limits = ProtocolLimits(maxBodyBytes: 4096, maxRecipients: 2) }) { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let kor = try await relay.enrol("KOR", .technical, api: api)
            let token = try await fra.session.token()
            func post(_ envelope: Envelope) async throws -> RawResponse { try await api.raw("POST", "/v1/messages", json: envelope, token: token) }

            let spoofed = try deu.seal(to: [kor])
            var response = try await post(spoofed)
            #expect(response.status == 403)
            #expect(try response.problem().detail.contains("from"))

            var envelope = try fra.seal(to: [deu])
            let ghost = try POCID("ZZZ-TEC-1")
            envelope.to.append(ghost)
            envelope.keys[ghost] = envelope.keys[deu.id]
            response = try await post(envelope)
            #expect(response.status == 422)
            #expect(try response.problem().detail.contains("ZZZ-TEC-1"))

            var json = try #require(try JSONSerialization.jsonObject(with: WireJSON.encode(try fra.seal(to: [deu]))) as? [String: Any])
            json["to"] = [deu.id.rawValue, deu.id.rawValue]
            response = try await api.raw("POST", "/v1/messages", bytes: try JSONSerialization.data(withJSONObject: json), token: token)
            #expect(response.status == 422)

            envelope = try fra.seal(to: [deu])
            envelope.keys[kor.id] = envelope.keys[deu.id]
            response = try await post(envelope)
            #expect(response.status == 400)
            #expect(try response.problem().detail.contains("keys"))

            json = try #require(try JSONSerialization.jsonObject(with: WireJSON.encode(try fra.seal(to: [deu]))) as? [String: Any])
            json["commitment"] = Data(count: 16).base64EncodedString()
            response = try await api.raw("POST", "/v1/messages", bytes: try JSONSerialization.data(withJSONObject: json), token: token)
            #expect(response.status == 400)

            json["commitment"] = "not base64!"
            response = try await api.raw("POST", "/v1/messages", bytes: try JSONSerialization.data(withJSONObject: json), token: token)
            #expect(response.status == 400)

            response = try await post(try fra.seal(to: [deu], body: String(repeating: "x", count: 5000)))
            #expect(response.status == 413)
            let extra = try await relay.enrol("FRA", .diplomatic, api: api)
            response = try await post(try fra.seal(to: [deu, kor, extra]))
            #expect(response.status == 413)

            response = try await api.raw("POST", "/v1/messages", bytes: Data(repeating: 0x20, count: (2 << 20) + 10), token: token)
            #expect(response.status == 413)
            _ = try response.problem()
            // Nothing of the refused went in.
            #expect(try await deu.session.inbox(wait: 0, limit: 50).messages.isEmpty)
        }
    }

    @Test("routing rule: the full role matrix answers 201 or 403")
    func routingMatrix() async throws {
        try await withRelay { relay, api in
            let pocs = [
                "FRA-technical": try await relay.enrol("FRA", .technical, api: api),
                "FRA-diplomatic": try await relay.enrol("FRA", .diplomatic, api: api),
                "DEU-technical": try await relay.enrol("DEU", .technical, api: api),
                "DEU-diplomatic": try await relay.enrol("DEU", .diplomatic, api: api),
                "UNO-custodian": try await relay.enrol("UNO", .custodian, api: api),
            ]
            for (fromName, from) in pocs {
                for (toName, to) in pocs where fromName != toName {
                    let allowed = RoutingRule.permits(from: .init(state: from.state, role: from.role), to: .init(state: to.state, role: to.role))
                    let token = try await from.session.token()
                    let response = try await api.raw("POST", "/v1/messages", json: try from.seal(to: [to]), token: token)
                    #expect(response.status == (allowed ? 201 : 403), "\(fromName) -> \(toName)")
                    if !allowed { #expect(try response.problem().detail.contains("routing rule")) }
                }
            }
            // Cross-state, cross-role pairs are exactly the refused ones.
            let accepted = Set(try await relay.service.store.deliveryFacts().map(\.messageID)).count
            #expect(accepted == 20 - 4)
        }
    }

    @Test("the inbox lists the most urgent first, then the oldest, honours limit, and 400s a bad wait")
    func inboxOrder() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            var ids: [Urgency: MessageID] = [:]
            for urgency in [Urgency.routine, .priority, .flash, .immediate] {
                let envelope = try fra.seal(to: [deu], urgency: urgency)
                ids[urgency] = envelope.id
                _ = try await fra.session.submit(envelope)
            }
            let inbox = try await deu.session.inbox(wait: 0, limit: 10)
            #expect(inbox.messages.map(\.urgency) == [.flash, .immediate, .priority, .routine])
            #expect(try await deu.session.inbox(wait: 0, limit: 2).messages.map(\.id) == [ids[.flash]!, ids[.immediate]!])
            let token = try await deu.session.token()
            let bad = try await api.http.send(
                method: "GET", path: "/v1/inbox", query: [("wait", "soon")], body: nil, headers: [("Authorization", "Bearer \(token)")],
                timeout: .seconds(5))
            #expect(bad.status == 400)
            #expect(try bad.problem().detail.contains("wait"))
        }
    }

    @Test("a long-polling inbox wakes when a message for it commits, well before its wait ends")
    func longPoll() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            _ = try await deu.session.token()
            let clock = ContinuousClock()
            let start = clock.now
            async let waiting = deu.session.inbox(wait: 30, limit: 10)
            try await Task.sleep(for: .milliseconds(300))
            _ = try await fra.session.submit(try fra.seal(to: [deu], urgency: .flash))
            let inbox = try await waiting
            #expect(inbox.messages.count == 1)
            #expect(clock.now - start < .seconds(10), "the long poll was not woken by the commit")
            // With nothing to deliver, wait=1 returns empty after about a second.
            let empty = try await fra.session.inbox(wait: 1, limit: 10)
            #expect(empty.messages.isEmpty)
        }
    }

    @Test("receipts and status belong to their parties: others get the same 404 as unknown ids")
    func isolation() async throws {
        try await withRelay { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let kor = try await relay.enrol("KOR", .technical, api: api)
            let custodian = try await relay.enrol("UNO", .custodian, api: api)
            let envelope = try fra.seal(to: [deu])
            _ = try await fra.session.submit(envelope)
            let message = try #require(try await deu.session.inbox(wait: 0, limit: 1).messages.first)
            #expect(try await kor.session.inbox(wait: 0, limit: 10).messages.isEmpty)
            let korToken = try await kor.session.token()
            let signature = Receipt.sign(messageID: envelope.id, recipient: kor.id, body: envelope.body, identity: kor.identity)
            let notMine = try await api.raw("POST", "/v1/messages/\(envelope.id)/receipt", json: SignatureBody(signature: signature), token: korToken)
            let unknown = try await api.raw(
                "POST", "/v1/messages/\(MessageID.random())/receipt", json: SignatureBody(signature: signature), token: korToken)
            let garbage = try await api.raw("POST", "/v1/messages/'%20OR%201=1/receipt", json: SignatureBody(signature: signature), token: korToken)
            #expect(notMine.status == 404 && unknown.status == 404 && garbage.status == 404)
            #expect(try notMine.problem() == (try unknown.problem()))
            let statusNotMine = try await api.raw("GET", "/v1/messages/\(envelope.id)/status", token: korToken)
            let statusUnknown = try await api.raw("GET", "/v1/messages/\(MessageID.random())/status", token: korToken)
            #expect(statusNotMine.status == 404 && statusUnknown.status == 404)
            #expect(try statusNotMine.problem() == (try statusUnknown.problem()))
            // A recipient is not the sender: no status for it either.
            await expectStatus(404) { try await deu.session.status(messageID: envelope.id) }
            // The custodian may read delivery status (metadata only).
            #expect(try await custodian.session.status(messageID: envelope.id).recipients.map(\.pocID) == [deu.id])
            // A receipt signed with the wrong key is refused, and changes nothing.
            let wrong = Receipt.sign(messageID: envelope.id, recipient: deu.id, body: envelope.body, identity: kor.identity)
            await expectStatus(422) { try await deu.session.receipt(messageID: envelope.id, signature: wrong) }
            #expect(try await fra.session.status(messageID: envelope.id).recipients.first?.receiptAt == nil)
            try await deu.session.sendReceipt(for: message)
            #expect(try await fra.session.status(messageID: envelope.id).recipients.first?.receiptAt != nil)
        }
    }
}
