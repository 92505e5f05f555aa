import Foundation
import RelayAlerts
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

/// Webhook alerts from a live relay to a real HTTP receiver on 127.0.0.1.
@Suite("Webhook alert delivery")
struct WebhookAlertTests {
    @Test("a FLASH message alerts the webhook: a POST whose exact body verifies with the relay key and is the notice's body")
    func delivered() async throws {
        try await withReceivers([.status(200)]) { receivers in
            let receiver = receivers[0]
            try await AlertScene.with { scene in
                try await scene.setChannels(webhook: receiver.url.absoluteString)
                try await scene.sendFlash()
                let request = try #require(try await receiver.waitForRequests(count: 1).first)
                #expect(request.method == "POST")
                #expect(request.uri == "/hook")
                #expect(request.header("Content-Type") == "application/json")
                let signature = try #require(request.header(AlertSignature.header))
                #expect(AlertSignature.isValid(header: signature, body: request.body, relayKey: try scene.relayKey()))
                let notice = try WireJSON.decode(AlertNotice.self, from: request.body)
                #expect(notice.body == request.body)
                #expect(notice.relayID == scene.relay.service.relayID)
                #expect(notice.reason == .waiting && notice.urgency == .flash && !notice.exercise && notice.waiting == 1)
                #expect(notice.pocID == scene.recipient.id.rawValue && notice.forPOCID == scene.recipient.id.rawValue)
                let text = String(decoding: request.body, as: UTF8.self)
                #expect(!text.contains("Secret") && !text.contains(scene.sender.id.rawValue))
                let fact = try await scene.channelFact(.webhook) { $0.lastSentAt != nil }
                #expect(fact.lastSentAt != nil && fact.pending == 0)
                // Once delivered, never again.
                try await Task.sleep(for: .seconds(1))
                #expect(receiver.received.count == 1)
            }
        }
    }

    @Test("after an HTTP 500 the alert is retried with the same alert_id and the same bytes, then counted sent")
    func retriedAfter500() async throws {
        try await withReceivers([.status(500)]) { receivers in
            let receiver = receivers[0]
            try await AlertScene.with { scene in
                try await scene.setChannels(webhook: receiver.url.absoluteString)
                try await scene.sendFlash(exercise: true)
                _ = try await receiver.waitForRequests(count: 1)
                let failed = try await scene.channelFact(.webhook) { $0.lastFailure != nil }
                #expect(failed.lastFailure == "HTTP 500")
                #expect(failed.pending == 1)
                receiver.answer(with: .status(204))
                let requests = try await receiver.waitForRequests(count: 2)
                #expect(requests[0].body == requests[1].body)
                #expect(requests[0].header(AlertSignature.header) == requests[1].header(AlertSignature.header))
                let notice = try WireJSON.decode(AlertNotice.self, from: requests[1].body)
                #expect(notice.exercise)
                let sent = try await scene.channelFact(.webhook) { $0.lastSentAt != nil }
                #expect(sent.lastSentAt != nil && sent.pending == 0)
                let counts = try await scene.store.alertCounts()
                #expect(counts.map(\.sent).reduce(0, +) == 1 && counts.map(\.failed).reduce(0, +) == 0)
            }
        }
    }

    @Test("a redirect is not followed: the target never sees the alert and the attempt is a failure")
    func redirectNotFollowed() async throws {
        try await withReceivers([.status(200), .status(200)]) { receivers in
            let target = receivers[1]
            receivers[0].answer(with: .redirect(status: 302, location: target.url.absoluteString))
            try await AlertScene.with { scene in
                try await scene.setChannels(webhook: receivers[0].url.absoluteString)
                try await scene.sendFlash()
                let fact = try await scene.channelFact(.webhook) { $0.lastFailure != nil }
                #expect(fact.lastFailure == "redirect not followed (HTTP 302)")
                #expect(fact.lastSentAt == nil)
                _ = try await receivers[0].waitForRequests(count: 2)  // the retry goes to the webhook again
                #expect(target.received.isEmpty)
            }
        }
    }

    @Test("a webhook that never answers times out after the attempt time without holding up another POC's alert")
    func blackholeDoesNotDelayOthers() async throws {
        try await withReceivers([.blackhole, .status(200)]) { receivers in
            let (dead, good) = (receivers[0], receivers[1])
            try await AlertScene.with(configure: { alertConfiguration(&$0, attemptTimeout: .seconds(5)) }) { scene in
                let other = try await scene.relay.client().shutdownAfter { api in try await scene.relay.enrol("ITA", .technical, api: api) }
                try await scene.setChannels(webhook: dead.url.absoluteString)
                try await scene.setChannels(webhook: good.url.absoluteString, for: other)
                try await scene.sendFlash()
                _ = try await dead.waitForRequests(count: 1)
                // The first alert hangs; the second must go out meanwhile.
                try await scene.sendFlash(to: [other])
                _ = try await good.waitForRequests(count: 1)
                let hanging = try await scene.store.alertChannelFacts(pocID: scene.recipient.id.rawValue).first { $0.channel == .webhook }
                #expect(hanging?.lastFailure == nil, "the good webhook was served only after the dead one timed out")
                let fact = try await scene.channelFact(.webhook) { $0.lastFailure != nil }
                #expect(fact.lastFailure == "timed out after 5 s")
                #expect(try await scene.channelFact(.webhook, of: other) { $0.lastSentAt != nil }.lastSentAt != nil)
            }
        }
    }

    @Test("forty alerts to a dead webhook take at most two send slots and hide nothing: another POC's alert goes out before they time out")
    func deadWebhookDoesNotStarveOthers() async throws {
        try await withReceivers([.blackhole, .status(200)]) { receivers in
            let (dead, good) = (receivers[0], receivers[1])
            // A long attempt time, so that a loaded machine cannot make the dead attempts end first.
            try await AlertScene.with(configure: { alertConfiguration(&$0, attemptTimeout: .seconds(30)) }) { scene in
                let other = try await scene.relay.client().shutdownAfter { api in try await scene.relay.enrol("ITA", .technical, api: api) }
                try await scene.setChannels(webhook: dead.url.absoluteString)
                try await scene.setChannels(webhook: good.url.absoluteString, for: other)
                // More than the sender asks the store for at once (its free slots and 32).
                for _ in 0..<40 { try await scene.sendFlash() }
                _ = try await dead.waitForRequests(count: 2)
                try await scene.sendFlash(to: [other])
                _ = try await good.waitForRequests(count: 1)
                let hanging = try await scene.store.alertChannelFacts(pocID: scene.recipient.id.rawValue).first { $0.channel == .webhook }
                #expect(hanging?.lastFailure == nil, "the good webhook was served only after the dead one's attempts timed out")
                #expect(dead.received.count == 2, "more than two attempts at once went to one destination")
                await dead.stop()  // ends the hanging attempts now, so the relay stops without waiting them out
            }
        }
    }

    @Test("unreceipted past its window, a FLASH message escalates to the state's other POC's webhook, once, never to the sender")
    func escalation() async throws {
        try await withReceivers([.status(200), .status(200)]) { receivers in
            let (other, own) = (receivers[0], receivers[1])
            try await AlertScene.with(configure: { configuration in
                alertConfiguration(&configuration)
                configuration.service.alertAfter = [:]
                configuration.service.receiptWindows[.flash] = 1
            }) { scene in
                let colleague = try await scene.relay.client().shutdownAfter { api in try await scene.relay.enrol("DEU", .diplomatic, api: api) }
                try await scene.setChannels(webhook: other.url.absoluteString, for: colleague)
                try await scene.setChannels(webhook: own.url.absoluteString, for: scene.sender)
                try await scene.sendFlash()
                let request = try #require(try await other.waitForRequests(count: 1).first)
                let notice = try WireJSON.decode(AlertNotice.self, from: request.body)
                #expect(notice.reason == .escalation && notice.pocID == colleague.id.rawValue && notice.forPOCID == scene.recipient.id.rawValue)
                #expect(
                    AlertSignature.isValid(header: request.header(AlertSignature.header) ?? "", body: request.body, relayKey: try scene.relayKey()))
                try await Task.sleep(for: .seconds(2))
                #expect(other.received.count == 1)
                #expect(own.received.isEmpty)
            }
        }
    }

    @Test("an alert failing past retryFor is given up: counted failed, no longer pending")
    func givenUp() async throws {
        try await withReceivers([.status(503)]) { receivers in
            let receiver = receivers[0]
            try await AlertScene.with(configure: { configuration in
                alertConfiguration(&configuration)
                // Long enough that a first attempt slowed by a loaded machine still leaves time for a retry.
                configuration.alerts.retryFor = .seconds(20)
            }) { scene in
                try await scene.setChannels(webhook: receiver.url.absoluteString)
                try await scene.sendFlash()
                let counts = try await scene.counts { $0.contains { $0.failed == 1 } }
                let webhook = try #require(counts.first { $0.channel == .webhook && $0.reason == .waiting })
                #expect(webhook.failed == 1 && webhook.pending == 0 && webhook.sent == 0)
                #expect(receiver.received.count >= 2, "it was retried before being given up")
                let seen = receiver.received.count
                try await Task.sleep(for: .seconds(2))
                #expect(receiver.received.count == seen, "tried again after being given up")
            }
        }
    }
}

extension RelayAPIClient {
    /// Runs `body` with this client, shut down afterwards.
    func shutdownAfter<T: Sendable>(_ body: (RelayAPIClient) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            try await shutdown()
            return result
        } catch {
            try? await shutdown()
            throw error
        }
    }
}
