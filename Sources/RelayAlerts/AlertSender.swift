import Foundation
public import Logging
public import RelayProtocol
public import RelayService
public import ServiceLifecycle

/// Sends the relay's alerts (section 10): a service of the relay that turns
/// due alert checks into alerts and delivers them over their channels,
/// with a timeout per attempt, retries with backoff, and a bound on
/// concurrent sends. Nothing a submission or an inbox answer waits for.
public final class AlertSender: Service, Sendable {
    let service: RelayService
    let configuration: AlertDeliveryConfiguration
    let logger: Logger

    /// Creates the sender.
    public init(service: RelayService, configuration: AlertDeliveryConfiguration, logger: Logger) {
        self.service = service
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        // Filled in by the alert delivery work.
        try? await gracefulShutdown()
    }

    /// `POST /v1/alerts/me/test`: one test alert to every channel the caller
    /// has set, now, without retries.
    public func sendTest(for caller: Caller) async throws(RelayFailure) -> AlertTestResult {
        AlertTestResult(sent: [], failed: [])
    }
}
