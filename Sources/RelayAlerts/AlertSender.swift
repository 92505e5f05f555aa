import AsyncHTTPClient
import Foundation
public import Logging
public import RelayProtocol
public import RelayService
import RelayStore
public import ServiceLifecycle
import Synchronization

/// Sends the relay's alerts (section 10): a service of the relay that turns
/// due alert checks into alerts and delivers them over their channels,
/// with a timeout per attempt, retries with backoff, and a bound on
/// concurrent sends. Nothing a submission or an inbox answer waits for:
/// the two share only the store's writer, and the sender's writes are small.
public final class AlertSender: Service, Sendable {
    let service: RelayService
    let configuration: AlertDeliveryConfiguration
    let logger: Logger
    /// Wakes the loop: an accepted message, a finished send, shutdown.
    let wake = WakeSignal()
    /// Alerts being sent now (never handed out twice), each with the
    /// destination it goes to (``destination(of:)``) and its target.
    let inFlight = Mutex<[String: InFlightSend]>([:])
    /// The webhook client while ``run()`` runs.
    let clients: ClientHolder
    let metrics = AlertMetrics()

    /// Checks turned into alerts per store transaction.
    static let checkBatch = 200
    /// How often the pending gauge is refreshed.
    static let gaugeInterval: Duration = .seconds(15)

    /// Creates the sender.
    public init(service: RelayService, configuration: AlertDeliveryConfiguration, logger: Logger) {
        self.service = service
        self.configuration = configuration
        self.logger = logger
        self.clients = ClientHolder(timeout: configuration.attemptTimeout)
    }

    /// Runs until graceful shutdown: looks at the store when woken (an
    /// accepted message), when the next check or retry falls due, and at
    /// least every `pollInterval`; sends what is due, at most
    /// `maxConcurrentSends` at once. On shutdown it starts nothing new and
    /// lets the sends under way finish (each bounded by `attemptTimeout`).
    public func run() async throws {
        clients.start()
        let stopping = StopFlag()
        await withTaskGroup(of: Void.self) { outer in
            outer.addTask {
                for await _ in self.service.alertWork { self.wake.signal() }
            }
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { sends in
                    await self.loop(sends: &sends, stopping: stopping)
                }
            } onGracefulShutdown: {
                stopping.set()
                self.wake.signal()
            }
            outer.cancelAll()
        }
        await clients.stop()
    }

    /// The loop of ``run()``; sends are added to `sends`.
    private func loop(sends: inout DiscardingTaskGroup, stopping: StopFlag) async {
        let store = service.store
        var lastGauge: ContinuousClock.Instant?
        while !stopping.isSet && !Task.isCancelled {
            let now = service.now
            var next: Date?
            var knowsNext = true
            do { next = try await store.nextAlertWork() } catch {
                knowsNext = false
                logger.error("alert store failure", metadata: ["operation": "next alert work", "error": "\(error)"])
            }
            var more = false
            if !knowsNext || next.map({ $0 <= now }) == true {
                do {
                    let (checked, made) = try await store.runDueAlertChecks(now: now, limit: Self.checkBatch)
                    more = checked >= Self.checkBatch
                    if made > 0 { logger.debug("alert checks", metadata: ["checked": "\(checked)", "alerts": "\(made)"]) }
                } catch {
                    logger.error("alert store failure", metadata: ["operation": "alert checks", "error": "\(error)"])
                }
                let busy = inFlight.withLock { $0 }
                let free = configuration.maxConcurrentSends - busy.count
                if free > 0 {
                    do {
                        // More candidates than free slots, so that a destination at its
                        // own bound (a dead webhook) does not hold back the others.
                        let bound = configuration.maxConcurrentSendsPerDestination
                        let due = try await store.dueAlerts(
                            now: now, limit: free + 32, excluding: Set(busy.keys), skippingTargets: Self.targetsAtBound(busy, bound: bound))
                        for alert in Self.pick(due, busy: busy, slots: free, perDestination: bound) {
                            let send = InFlightSend(destination: Self.destination(of: alert), target: alert.target)
                            inFlight.withLock { $0[alert.alertID] = send }
                            sends.addTask {
                                await self.attempt(alert)
                                self.inFlight.withLock { _ = $0.removeValue(forKey: alert.alertID) }
                                self.wake.signal()
                            }
                        }
                    } catch {
                        logger.error("alert store failure", metadata: ["operation": "due alerts", "error": "\(error)"])
                    }
                }
                if more { continue }
            }
            if lastGauge.map({ ContinuousClock.now - $0 >= Self.gaugeInterval }) ?? true {
                lastGauge = ContinuousClock.now
                await refreshPending()
            }
            var sleep = configuration.pollInterval
            if let next, case let left = next.timeIntervalSince(service.now), left > 0 { sleep = min(sleep, .seconds(left)) }
            await wake.wait(timeout: sleep)
            // Gather what a burst of accepted messages made due into one pass:
            // the sender's store writes then stay a few per second whatever the
            // submission rate, and submissions keep the writer to themselves.
            if !stopping.isSet { try? await Task.sleep(for: configuration.coalescingDelay) }
        }
    }

    /// Up to `slots` of `due` (oldest first), at most `perDestination` in
    /// flight per destination counting those in `busy`.
    static func pick(_ due: [PendingAlert], busy: [String: InFlightSend], slots: Int, perDestination: Int) -> [PendingAlert] {
        var counts: [String: Int] = [:]
        for send in busy.values { counts[send.destination, default: 0] += 1 }
        var picked: [PendingAlert] = []
        for alert in due where picked.count < slots {
            let destination = destination(of: alert)
            guard counts[destination, default: 0] < max(1, perDestination) else { continue }
            counts[destination, default: 0] += 1
            picked.append(alert)
        }
        return picked
    }

    /// The targets of destinations already at their bound: the store need not return their alerts.
    static func targetsAtBound(_ busy: [String: InFlightSend], bound: Int) -> Set<String> {
        var counts: [String: Int] = [:]
        for send in busy.values { counts[send.destination, default: 0] += 1 }
        return Set(busy.values.filter { counts[$0.destination, default: 0] >= max(1, bound) }.map(\.target))
    }

    /// Where an alert goes, for the per-destination bound: a webhook's host
    /// and port, or the domain of an address.
    static func destination(of alert: PendingAlert) -> String {
        let port = alert.channel == .webhook ? URLComponents(string: alert.target)?.port.map { ":\($0)" } ?? "" : ""
        return "\(alert.channel.rawValue):\(host(of: alert).lowercased())\(port)"
    }

    /// Sets `relay_alerts_pending` from the store.
    private func refreshPending() async {
        do {
            metrics.setPending(try await service.store.alertCounts())
        } catch {
            logger.error("alert store failure", metadata: ["operation": "alert counts", "error": "\(error)"])
        }
    }

    /// `POST /v1/alerts/me/test`: one test alert to every channel the caller
    /// has set, now, without retries; each outcome is recorded.
    /// - Returns: The channels that took it and those that did not (both empty when none is set).
    /// - Throws: 503 when the store fails.
    public func sendTest(for caller: Caller) async throws(RelayFailure) -> AlertTestResult {
        let alerts: [PendingAlert]
        do {
            alerts = try await service.store.createTestAlerts(pocID: caller.pocID.rawValue, now: service.now)
        } catch {
            logger.error("alert store failure", metadata: ["operation": "test alerts", "error": "\(error)"])
            throw .unavailable
        }
        let outcomes = await withTaskGroup(of: (AlertChannel, Bool).self) { group in
            for alert in alerts {
                group.addTask {
                    let outcome = await self.deliver(alert)
                    await self.record(alert, outcome, retry: false)
                    return (alert.channel, outcome == .delivered)
                }
            }
            var out: [AlertChannel: Bool] = [:]
            for await (channel, delivered) in group { out[channel] = delivered }
            return out
        }
        let order = AlertChannel.allCases.filter { outcomes[$0] != nil }
        return AlertTestResult(sent: order.filter { outcomes[$0] == true }, failed: order.filter { outcomes[$0] == false })
    }
}
