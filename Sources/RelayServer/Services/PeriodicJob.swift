import AsyncAlgorithms
import Logging
import RelayProtocol
public import RelayService
public import ServiceLifecycle

/// A relay chore run every `interval` until graceful shutdown; a failure is
/// logged and the next turn comes as planned.
public struct PeriodicJob: Service {
    /// The logger label.
    let label: String
    /// What the chore is, for the log line of a failure ("retention sweep").
    let chore: String
    let interval: Duration
    /// Whether the first turn runs at start rather than after one interval.
    let runsAtStart: Bool
    let work: @Sendable () async throws(RelayFailure) -> Void

    /// Creates a job; see the named jobs below.
    public init(
        label: String, chore: String, interval: Duration, runsAtStart: Bool = false,
        work: @escaping @Sendable () async throws(RelayFailure) -> Void
    ) {
        self.label = label
        self.chore = chore
        self.interval = interval
        self.runsAtStart = runsAtStart
        self.work = work
    }

    public func run() async throws {
        if runsAtStart { await turn() }
        for try await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            await turn()
        }
    }

    private func turn() async {
        do {
            try await work()
        } catch {
            Logger(label: label).error("\(chore) failed", metadata: ["error": "\(error.problem.detail)"])
        }
    }

    /// Deletes expired ciphertext and, past the audit period, routing metadata
    /// (PROTOCOL.md section 6), once at start and then every `interval`.
    public static func retentionSweep(service: RelayService, interval: Duration) -> PeriodicJob {
        PeriodicJob(label: "poc-relay.retention", chore: "retention sweep", interval: interval, runsAtStart: true) { () async throws(RelayFailure) in
            try await service.sweepRetention()
        }
    }

    /// Starts a ping campaign every `interval` (R8: every six months).
    public static func pingCampaigns(service: RelayService, interval: Duration) -> PeriodicJob {
        PeriodicJob(label: "poc-relay.pings", chore: "scheduled ping campaign", interval: interval) { () async throws(RelayFailure) in
            _ = try await service.startCampaign()
        }
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
