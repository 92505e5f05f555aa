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

/// The configuration of every delivery test: loopback webhooks allowed,
/// FLASH alerting at once and nothing else, short retries, a short attempt time.
func alertConfiguration(_ configuration: inout RelayServerConfiguration, attemptTimeout: Duration = .seconds(3)) {
    configuration.service.alertsAllowLoopbackHTTP = true
    configuration.service.alertAfter = [.flash: 0]
    configuration.alerts.attemptTimeout = attemptTimeout
    configuration.alerts.firstRetryDelay = .seconds(1)
    configuration.alerts.maxRetryDelay = .seconds(1)
    configuration.alerts.pollInterval = .milliseconds(200)
}

/// A live relay with a sender (FRA-TEC) and a recipient (DEU-TEC) enrolled.
struct AlertScene: Sendable {
    let relay: LiveRelay
    let sender: TestPOC
    let recipient: TestPOC

    var store: RelayStore { relay.service.store }

    /// Sets the recipient's (or `poc`'s) channels straight in the store, unchecked.
    func setChannels(email: String? = nil, webhook: String? = nil, for poc: TestPOC? = nil) async throws {
        try await store.setAlertSettings(
            pocID: (poc ?? recipient).id.rawValue, email: email, webhook: webhook, urgencies: [.flash, .immediate], now: relay.service.now)
    }

    /// Sends a FLASH message from the sender to `recipients` (the recipient by default).
    func sendFlash(to recipients: [TestPOC]? = nil, exercise: Bool = false) async throws {
        let envelope = try sender.seal(
            to: recipients ?? [recipient], subject: "Secret subject 4711", body: "Secret body 4712", urgency: .flash, exercise: exercise)
        _ = try await sender.session.submit(envelope)
    }

    /// The relay's public signing key as a client learns it.
    func relayKey() throws -> SigningPublicKey {
        try SigningPublicKey(rawRepresentation: relay.service.relayInfo().signingKey.data)
    }

    /// How `poc`'s channel fared, once `done` holds (or the timeout passes).
    func channelFact(
        _ channel: AlertChannel, of poc: TestPOC? = nil, timeout: Duration = .seconds(60), until done: (AlertChannelFact) -> Bool
    ) async throws -> AlertChannelFact {
        let deadline = ContinuousClock.now + timeout
        while true {
            let facts = try await store.alertChannelFacts(pocID: (poc ?? recipient).id.rawValue)
            let fact = try #require(facts.first { $0.channel == channel })
            if done(fact) || ContinuousClock.now >= deadline { return fact }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Alert counts once `done` holds (or the timeout passes).
    func counts(timeout: Duration = .seconds(60), until done: ([AlertCountFact]) -> Bool) async throws -> [AlertCountFact] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let counts = try await store.alertCounts()
            if done(counts) || ContinuousClock.now >= deadline { return counts }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Runs `body` on a live relay configured for alerts.
    static func with(
        configure: @escaping (inout RelayServerConfiguration) -> Void = { alertConfiguration(&$0) },
        _ body: (AlertScene) async throws -> Void
    ) async throws {
        try await LiveRelay.withClient(configure: configure) { relay, api in
            let sender = try await relay.enrol("FRA", .technical, api: api)
            let recipient = try await relay.enrol("DEU", .technical, api: api)
            try await body(AlertScene(relay: relay, sender: sender, recipient: recipient))
        }
    }
}

/// Runs `body` with webhook receivers, stopped afterwards.
func withReceivers(
    _ answers: [WebhookReceiver.Answer], _ body: ([WebhookReceiver]) async throws -> Void
) async throws {
    var receivers: [WebhookReceiver] = []
    for answer in answers { receivers.append(try await WebhookReceiver.start(answer: answer)) }
    do {
        try await body(receivers)
    } catch {
        for receiver in receivers { await receiver.stop() }
        throw error
    }
    for receiver in receivers { await receiver.stop() }
}
