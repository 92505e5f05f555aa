import Metrics
import RelayProtocol
import RelayStore

/// The sender's metrics (counts only, by channel): `relay_alerts_sent_total`,
/// `relay_alert_attempts_failed_total`, `relay_alerts_failed_total` (given up)
/// and the gauge `relay_alerts_pending`.
struct AlertMetrics: Sendable {
    func sent(_ channel: AlertChannel) { Counter(label: "relay_alerts_sent_total", dimensions: [("channel", channel.rawValue)]).increment() }

    func attemptFailed(_ channel: AlertChannel) {
        Counter(label: "relay_alert_attempts_failed_total", dimensions: [("channel", channel.rawValue)]).increment()
    }

    func failed(_ channel: AlertChannel) { Counter(label: "relay_alerts_failed_total", dimensions: [("channel", channel.rawValue)]).increment() }

    /// Alerts still to send or retry, by channel.
    func setPending(_ counts: [AlertCountFact]) {
        for channel in AlertChannel.allCases {
            let pending = counts.filter { $0.channel == channel }.reduce(0) { $0 + $1.pending }
            Gauge(label: "relay_alerts_pending", dimensions: [("channel", channel.rawValue)]).record(pending)
        }
    }
}
