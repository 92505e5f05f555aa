import Foundation
import Logging
import RelayProtocol
import RelayService
import RelayStore

extension AlertSender {
    /// One attempt of a queued alert, its outcome recorded (a retry with
    /// backoff, or given up once `retryFor` has passed). An attempt cut by a
    /// hard shutdown records nothing: the alert is sent again after a restart,
    /// with the same `alert_id`.
    func attempt(_ alert: PendingAlert) async {
        let outcome = await deliver(alert)
        guard !Task.isCancelled else { return }
        await record(alert, outcome, retry: true)
    }

    /// Delivers `alert` over its channel, once.
    func deliver(_ alert: PendingAlert) async -> DeliveryOutcome {
        let signed = service.signedAlert(alert)
        switch alert.channel {
        case .webhook:
            let policy = WebhookAddressPolicy(
                allowLoopback: service.configuration.alertsAllowLoopbackHTTP, allowPrivate: service.configuration.alertsAllowPrivateNetworks)
            return await clients.withClient { client in
                await WebhookDelivery(client: client, timeout: configuration.attemptTimeout, policy: policy)
                    .send(to: alert.target, body: signed.body, signature: signed.signature)
            }
        case .email:
            let email: AlertEmail
            do {
                email = try AlertEmail(
                    notice: signed.notice, to: alert.target, from: configuration.fromAddress, relayFingerprint: service.relayFingerprint)
            } catch {
                return .failed("mail header refused: \(error.header)")
            }
            return await MailDelivery(sendmailPath: configuration.sendmailPath, timeout: configuration.attemptTimeout)
                .send(email.data, to: alert.target)
        }
    }

    /// Records an outcome in the store, the metrics and the log.
    /// - Parameter retry: Whether a failure is tried again (false for a test alert).
    func record(_ alert: PendingAlert, _ outcome: DeliveryOutcome, retry: Bool) async {
        let now = service.now
        var metadata: Logger.Metadata = [
            "alert": "\(alert.alertID)", "reason": "\(alert.reason.rawValue)", "channel": "\(alert.channel.rawValue)",
            "poc": "\(alert.pocID)", "for_poc": "\(alert.forPOCID)", "host": "\(Self.host(of: alert))",
            "attempt": "\(alert.attempts + 1)",
        ]
        if let urgency = alert.urgency { metadata["urgency"] = "\(urgency.rawValue)" }
        if alert.exercise { metadata["exercise"] = "true" }
        do {
            switch outcome {
            case .delivered:
                try await service.store.recordAlertSent(alertID: alert.alertID, now: now)
                metrics.sent(alert.channel)
                metadata["outcome"] = "sent"
                logger.info("alert sent", metadata: metadata)
            case .failed(let reason):
                let retryAt =
                    retry ? AlertBackoff.retryAt(attempts: alert.attempts, createdAt: alert.createdAt, now: now, configuration: configuration) : nil
                try await service.store.recordAlertFailure(alertID: alert.alertID, reason: reason, now: now, retryAt: retryAt)
                metrics.attemptFailed(alert.channel)
                metadata["error"] = "\(reason)"
                if let retryAt {
                    metadata["outcome"] = "retry"
                    metadata["retry_at"] = "\(Timestamp(retryAt))"
                    logger.notice("alert attempt failed", metadata: metadata)
                } else {
                    metrics.failed(alert.channel)
                    metadata["outcome"] = "failed"
                    logger.warning("alert given up", metadata: metadata)
                }
            }
        } catch {
            metadata["error"] = "\(error)"
            logger.error("alert store failure: outcome not recorded", metadata: metadata)
        }
    }

    /// The host a webhook points to, or the domain of an address: what the log may name.
    static func host(of alert: PendingAlert) -> String {
        switch alert.channel {
        case .webhook: return URLComponents(string: alert.target)?.host ?? "?"
        case .email: return alert.target.split(separator: "@").last.map(String.init) ?? "?"
        }
    }
}
