public import Foundation
import Logging
public import RelayProtocol
public import RelayStore
import Sodium

extension RelayService {
    /// `GET /v1/alerts/me`: the caller's channels, or the defaults of section 10.
    public func alertSettings(for caller: Caller) async throws(RelayFailure) -> AlertSettings {
        let record = try await storeCall("alert settings") { try await store.alertSettings(pocID: caller.pocID.rawValue) }
        guard let record else { return .defaults }
        return AlertSettings(email: record.email, webhook: record.webhook, urgencies: record.urgencies)
    }

    /// `PUT /v1/alerts/me`: replaces the caller's channels after the content
    /// rules (``AlertSettings/validated(allowLoopbackHTTP:allowPrivateNetworks:)``).
    /// - Returns: The stored value (200).
    /// - Throws: 422 naming the field for an address, URL or urgency list that breaks a rule.
    public func setAlertSettings(_ settings: AlertSettings, for caller: Caller) async throws(RelayFailure) -> AlertSettings {
        let checked: AlertSettings
        do {
            checked = try settings.validated(
                allowLoopbackHTTP: configuration.alertsAllowLoopbackHTTP, allowPrivateNetworks: configuration.alertsAllowPrivateNetworks)
        } catch { throw .wire(error) }
        let now = self.now
        try await storeCall("set alert settings") {
            try await store.setAlertSettings(
                pocID: caller.pocID.rawValue, email: checked.email, webhook: checked.webhook, urgencies: checked.urgencies, now: now)
        }
        logger.info(
            "alert channels set",
            metadata: ["poc": "\(caller.pocID)", "channels": "\(checked.channels.map(\.rawValue).joined(separator: ","))"])
        return checked
    }

    /// `GET /v1/alerts/me/status`: how the caller's own channels fared.
    public func alertStatus(for caller: Caller) async throws(RelayFailure) -> AlertChannelsStatus {
        let settings = try await alertSettings(for: caller)
        let facts = try await storeCall("alert status") { try await store.alertChannelFacts(pocID: caller.pocID.rawValue) }
        return AlertChannelsStatus(
            channels: facts.filter { settings.channels.contains($0.channel) || $0.pending > 0 || $0.lastSentAt != nil }.map { fact in
                .init(
                    channel: fact.channel, lastSentAt: fact.lastSentAt.map(Timestamp.init), lastFailureAt: fact.lastFailureAt.map(Timestamp.init),
                    lastFailure: fact.lastFailure, pending: fact.pending)
            })
    }

    /// The webhook body of an alert and its `X-POC-Relay-Signature` header
    /// value, signed with the relay's key (section 10). The same alert gives
    /// the same bytes on every retry.
    public func signedAlert(_ alert: PendingAlert) -> (notice: AlertNotice, body: Data, signature: String) {
        let notice = AlertNotice(
            relayID: relayID, alertID: alert.alertID, reason: alert.reason, pocID: alert.pocID, forPOCID: alert.forPOCID,
            urgency: alert.urgency, exercise: alert.exercise, waiting: alert.waiting, acceptedAt: alert.acceptedAt.map(Timestamp.init),
            at: Timestamp(alert.createdAt))
        let body = notice.body
        return (notice, body, AlertSignature.sign(body: body, relayKey: relayKey))
    }

    /// The relay's fingerprint in groups, for the e-mail's "verify" line.
    public var relayFingerprint: String { Fingerprint(of: relayKey.publicKey).grouped }

    /// Alerts by reason and channel, for the audit, the metrics and `poc-relay check`.
    public func alertCounts() async throws(RelayFailure) -> [DeliveryAudit.AlertCount] {
        let facts = try await storeCall("alert counts") { try await store.alertCounts() }
        return facts.map { .init(reason: $0.reason, channel: $0.channel, sent: $0.sent, failed: $0.failed, pending: $0.pending) }
    }
}
