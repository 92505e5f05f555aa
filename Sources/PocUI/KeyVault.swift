import Foundation
public import PocKit
public import Sodium
import Synchronization

/// Holds the POC's open client (and so its keys) while the interface is
/// unlocked: from the home's key agent when `poc unlock` runs, else after the
/// passphrase form. Drops the keys after ``lockAfter`` without a request
/// (``close()``) and at shutdown (``shutDown()``); the lock button
/// (``lock()``) also locks the key agent, so that the next page does not
/// silently reopen them. Stopping `poc ui` leaves the agent to its owner.
///
/// Passphrase attempts are limited: after ``freeAttempts`` wrong ones in a
/// row, each further attempt must wait, twice as long after each wrong one
/// (``attemptDelay(afterFailures:base:)``).
public actor KeyVault {
    /// The home whose keys this holds.
    public let home: PocHome
    /// The idle times that ``setLockAfter(_:)`` accepts: one minute to eight hours.
    public static let lockAfterBounds: ClosedRange<Duration> = .seconds(60) ... .seconds(8 * 3600)
    /// Wrong passphrases accepted in a row before attempts must wait.
    public static let freeAttempts = 5
    /// The longest wait between two attempts.
    public static let longestAttemptDelay: Duration = .seconds(15 * 60)

    private let idle: Mutex<Duration>
    private let clock = ContinuousClock()
    private var client: PocClient?
    private var lastUse: ContinuousClock.Instant
    /// The unlock in progress, if any, and a counter naming each attempt.
    private var unlocking: (id: Int, task: Task<Result<PocClient, PocError>, Never>)?
    private var nextAttempt = 0
    /// Wrong passphrases in a row, and when the next attempt may run.
    private var failures = 0
    private var nextAllowed: ContinuousClock.Instant?
    private let failureDelay: Duration
    /// Set when the server stops: no page will reopen the keys any more.
    private var isShutDown = false

    /// What the last ``lock()`` did, for the page shown after it.
    public enum LockOutcome: Sendable, Equatable {
        /// The keys were dropped from this process; no key agent was running.
        case keysErased
        /// The keys were dropped and the `poc unlock` agent was told to lock: it zeroed its keys and ended.
        case agentLockedToo
    }

    /// What the last ``lock()`` did, or `nil` before any.
    public private(set) var lastLock: LockOutcome?

    /// Creates a locked vault for `home`.
    /// - Parameters:
    ///   - lockAfter: The idle time after which the keys are dropped.
    ///   - failureDelay: The wait after the first wrong passphrase beyond ``freeAttempts`` (doubling after each further one).
    public init(home: PocHome, lockAfter: Duration, failureDelay: Duration = .seconds(5)) {
        self.home = home
        self.idle = Mutex(lockAfter)
        self.failureDelay = failureDelay
        self.lastUse = clock.now
    }

    /// Idle time after which the keys are dropped (changed at runtime by ``setLockAfter(_:)``).
    public nonisolated var lockAfter: Duration { idle.withLock { $0 } }

    /// Changes the idle time for the rest of this run.
    /// - Throws: 64 outside ``lockAfterBounds``.
    public nonisolated func setLockAfter(_ duration: Duration) throws(PocError) {
        guard Self.lockAfterBounds.contains(duration) else {
            throw PocError.usage("the unlock time must be from 1 minute to 8 hours")
        }
        idle.withLock { $0 = duration }
    }

    /// The wait before the next passphrase attempt after `failures` wrong
    /// ones in a row: none up to ``freeAttempts``, then `base`, doubling with
    /// each further wrong one, at most ``longestAttemptDelay``.
    public static func attemptDelay(afterFailures failures: Int, base: Duration = .seconds(5)) -> Duration {
        guard failures >= freeAttempts else { return .zero }
        let doublings = min(failures - freeAttempts, 20)
        return min(base * (1 << doublings), longestAttemptDelay)
    }

    /// How long the next passphrase attempt must still wait, or `nil` when it may run now.
    public func attemptWait() -> Duration? {
        guard let nextAllowed else { return nil }
        let left = nextAllowed - clock.now
        return left > .zero ? left : nil
    }

    /// Wrong passphrases in a row so far (zero after a right one).
    public var wrongAttempts: Int { failures }

    /// The open client, or `nil` when locked; asks the key agent first when locked.
    /// Counts as activity.
    public func unlockedClient() async -> PocClient? {
        await lockIfIdle()
        guard !isShutDown else { return nil }
        if client == nil, let fromAgent = try? PocClient.openFromAgent(home: home) { client = fromAgent }
        if client != nil { lastUse = clock.now }
        return client
    }

    /// Whether the keys are open now (without asking the agent or counting as activity).
    public var isUnlocked: Bool { client != nil }

    /// Opens the keys with `passphrase` (kept as they are when already open).
    /// One unlock runs at a time: a form sent twice waits for the first, whose
    /// record is then open (SQLite refuses a second opening at the same moment).
    /// - Throws: a ``PocKit/PocError`` with status 77 for a wrong passphrase,
    ///   and with status 77 without trying while ``attemptWait()`` is not over.
    public func unlock(passphrase: SecretBytes) async throws(PocError) {
        if let pending = unlocking, case .success = await pending.task.value {
            lastUse = clock.now
            return
        }
        guard client == nil else {
            lastUse = clock.now
            return
        }
        guard !isShutDown else { throw PocError("the web interface is stopping", status: .unavailable) }
        if let wait = attemptWait() {
            throw PocError(
                "too many wrong passphrases: wait \(Self.seconds(wait)) s before the next attempt", status: .noPermission)
        }
        nextAttempt += 1
        let id = nextAttempt
        let home = self.home
        let attempt = Task {
            // Argon2id takes about a second: off the cooperative pool, so the server keeps answering.
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<PocClient, PocError>, Never>) in
                DispatchQueue.global().async {
                    do throws(PocError) {
                        continuation.resume(returning: .success(try PocClient.open(home: home, passphrase: passphrase)))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
            }
        }
        unlocking = (id, attempt)
        let result = await attempt.value
        if unlocking?.id == id { unlocking = nil }
        let opened: PocClient
        do { opened = try result.get() } catch {
            if error.status == .noPermission {
                failures += 1
                let delay = Self.attemptDelay(afterFailures: failures, base: failureDelay)
                nextAllowed = delay > .zero ? clock.now + delay : nil
            }
            throw error
        }
        failures = 0
        nextAllowed = nil
        lastUse = clock.now
        // Opened from the agent meanwhile, or stopping: keep that client, close this one, never drop one unclosed.
        guard client == nil, !isShutDown else {
            await opened.shutdown()
            return
        }
        client = opened
    }

    /// The lock button: drops the keys from this process and tells the home's
    /// key agent (`poc unlock`), if one runs, to zero its keys and end, as
    /// `poc lock` does; else the next page would reopen them from the agent.
    /// After ``shutDown()`` it only drops the keys here: no page can reopen
    /// them, and the agent stays its owner's to lock.
    /// - Returns: What was locked (also kept as ``lastLock``).
    @discardableResult
    public func lock() async -> LockOutcome {
        await close()
        guard !isShutDown else { return .keysErased }
        let home = self.home
        let agentAnswered = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            // A blocking socket exchange (at most a few seconds): off the cooperative pool.
            DispatchQueue.global().async { continuation.resume(returning: KeyAgentClient(home: home).lock()) }
        }
        let outcome: LockOutcome = agentAnswered ? .agentLockedToo : .keysErased
        lastLock = outcome
        return outcome
    }

    /// Drops the client from this process only (idle time, shutdown): its
    /// keys are zeroed when the last reference goes. A running key agent
    /// keeps its own keys until `poc lock` or its expiry.
    public func close() async {
        guard let client else { return }
        self.client = nil
        await client.shutdown()
    }

    /// The server stops: drops the keys and never opens them again (not
    /// even from the agent, which keeps running for the terminal's commands).
    public func shutDown() async {
        isShutDown = true
        await close()
    }

    /// Drops the keys when nothing used them for ``lockAfter``.
    public func lockIfIdle() async {
        if client != nil, clock.now - lastUse >= lockAfter { await close() }
    }

    /// Whole seconds, rounded up, for a message.
    static func seconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds + (attoseconds > 0 ? 1 : 0)
    }
}
