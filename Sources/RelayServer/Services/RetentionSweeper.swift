import AsyncAlgorithms
import Logging
import RelayProtocol
public import RelayService
public import ServiceLifecycle

/// Deletes expired ciphertext and, past the audit period, routing metadata
/// (PROTOCOL.md section 6), once at start and then every `interval`.
public struct RetentionSweeper: Service {
    let service: RelayService
    let interval: Duration

    /// Creates the sweeper.
    public init(service: RelayService, interval: Duration) {
        self.service = service
        self.interval = interval
    }

    public func run() async throws {
        await sweep()
        for try await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            await sweep()
        }
    }

    private func sweep() async {
        do {
            try await service.sweepRetention()
        } catch {
            Logger(label: "poc-relay.retention").error("retention sweep failed", metadata: ["error": "\(error.problem.detail)"])
        }
    }
}

/// Starts a ping campaign every `interval` (R8: every six months), when configured.
public struct PingScheduler: Service {
    let service: RelayService
    let interval: Duration

    /// Creates the scheduler.
    public init(service: RelayService, interval: Duration) {
        self.service = service
        self.interval = interval
    }

    public func run() async throws {
        for try await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                _ = try await service.startCampaign()
            } catch {
                Logger(label: "poc-relay.pings").error("scheduled ping campaign failed", metadata: ["error": "\(error.problem.detail)"])
            }
        }
    }
}

/// Sees changes another process made to the directory (`poc-relay revoke`
/// while the relay serves) every `interval`: the relay's caller cache is
/// cleared and long polls re-check their POC, so a revoked POC's sessions and
/// polls end within the interval.
public struct DirectoryWatcher: Service {
    let service: RelayService
    let interval: Duration

    /// Creates the watcher.
    public init(service: RelayService, interval: Duration) {
        self.service = service
        self.interval = interval
    }

    public func run() async throws {
        for try await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                try await service.recheckDirectory()
            } catch {
                Logger(label: "poc-relay.directory").error("directory recheck failed", metadata: ["error": "\(error.problem.detail)"])
            }
        }
    }
}
