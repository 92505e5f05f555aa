import Foundation
import Logging
import RelayProtocol
public import RelayService
public import ServiceLifecycle

/// A relay chore run every `interval` (or after the wait each turn asks for)
/// until graceful shutdown; a failure is logged and the next turn comes as
/// planned.
public struct PeriodicJob: Service {
    /// The logger label.
    let label: String
    /// What the chore is, for the log line of a failure ("retention sweep").
    let chore: String
    let interval: Duration
    /// Whether the first turn runs at start rather than after one interval.
    let runsAtStart: Bool
    /// One turn; returns the wait before the next, or nil for `interval`.
    let work: @Sendable () async throws(RelayFailure) -> Duration?

    /// Creates a job that runs `work` every `interval`; see the named jobs below.
    public init(
        label: String, chore: String, interval: Duration, runsAtStart: Bool = false,
        work: @escaping @Sendable () async throws(RelayFailure) -> Void
    ) {
        self.init(label: label, chore: chore, interval: interval, runsAtStart: runsAtStart) { () async throws(RelayFailure) -> Duration? in
            try await work()
            return nil
        }
    }

    /// Creates a job whose every turn says how long to wait before the next
    /// (nil, or a failed turn: `interval`).
    public init(
        label: String, chore: String, interval: Duration, runsAtStart: Bool = false,
        work: @escaping @Sendable () async throws(RelayFailure) -> Duration?
    ) {
        self.label = label
        self.chore = chore
        self.interval = interval
        self.runsAtStart = runsAtStart
        self.work = work
    }

    public func run() async throws {
        var wait = runsAtStart ? Duration.zero : interval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if wait > .zero {
                let sleep = wait
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: sleep) }
                } catch {
                    return  // shutting down
                }
            }
            wait = await turn() ?? interval
        }
    }

    private func turn() async -> Duration? {
        do {
            return try await work()
        } catch {
            // A turn cut short by shutdown (its store call cancelled) is not a failed chore.
            if !Task.isCancelled && !Task.isShuttingDownGracefully {
                Logger(label: label).error("\(chore) failed", metadata: ["error": "\(error.problem.detail)"])
            }
            return nil
        }
    }

    /// Deletes expired ciphertext and, past the audit period, routing metadata
    /// (docs/protocol.md section 6), once at start and then every `interval`.
    public static func retentionSweep(service: RelayService, interval: Duration) -> PeriodicJob {
        PeriodicJob(label: "poc-relay.retention", chore: "retention sweep", interval: interval, runsAtStart: true) { () async throws(RelayFailure) in
            try await service.sweepRetention()
        }
    }

    /// Starts the scheduled ping campaigns (R8: every six months) from the
    /// schedule kept in the store (docs/protocol.md section 7): the next campaign
    /// is due one interval after the latest, whatever restarts happen, and a
    /// relay that was down when one fell due starts it at its first look.
    /// The first look, at start, records `interval` in the store (or that
    /// there is none, for `poc-relay ping status`); the relay then looks
    /// again just after the due time and at least every `recheck`, so that a
    /// step of the system clock delays a campaign by at most that. A look
    /// that finds nothing due only reads the store.
    ///
    /// - Parameters:
    ///   - service: The relay's service.
    ///   - interval: The interval, at least a second; nil when the relay serves without a schedule.
    ///   - recheck: The longest sleep between two looks at the schedule.
    public static func pingCampaigns(service: RelayService, interval: Duration?, recheck: Duration = .seconds(10)) -> PeriodicJob {
        let seconds = interval.map { max(1, $0.components.seconds) }
        return PeriodicJob(label: "poc-relay.pings", chore: "scheduled ping campaign", interval: recheck, runsAtStart: true) {
            () async throws(RelayFailure) -> Duration? in
            guard let next = try await service.runPingSchedule(interval: seconds).nextDue else {
                return .seconds(366 * 86_400)  // nothing scheduled: the first look recorded it
            }
            return scheduleWait(until: next, now: Date(), recheck: recheck)
        }
    }

    /// The sleep before the next look at the schedule: until just after
    /// `due` (store times are whole seconds), at least a quarter of a second
    /// and at most `recheck`.
    static func scheduleWait(until due: Date, now: Date, recheck: Duration) -> Duration {
        let remaining = Duration.milliseconds(Int64((due.timeIntervalSince(now) * 1000).rounded(.up)) + 50)
        return min(max(remaining, .milliseconds(250)), recheck)
    }

    /// Sees changes another process made to the directory (`poc-relay revoke`
    /// while the relay serves) every `interval`: the relay's caller cache is
    /// cleared and long polls check their POC again, so a revoked POC's
    /// sessions and polls end within the interval.
    public static func directoryWatch(service: RelayService, interval: Duration) -> PeriodicJob {
        PeriodicJob(label: "poc-relay.directory", chore: "directory recheck", interval: interval) { () async throws(RelayFailure) in
            try await service.recheckDirectory()
        }
    }
}
