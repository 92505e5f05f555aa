import Foundation
public import PocKit
public import Sodium

/// Holds the POC's open client (and so its keys) while the interface is
/// unlocked: from the home's key agent when `poc unlock` runs, else after the
/// passphrase form. Locks (drops the client, whose keys zero themselves) after
/// ``lockAfter`` without a request, on the lock button, and at shutdown.
public actor KeyVault {
    /// The home whose keys this holds.
    public let home: PocHome
    /// Idle time after which the keys are dropped.
    public let lockAfter: Duration
    private let clock = ContinuousClock()
    private var client: PocClient?
    private var lastUse: ContinuousClock.Instant
    /// The unlock in progress, if any, and a counter naming each attempt.
    private var unlocking: (id: Int, task: Task<Result<PocClient, PocError>, Never>)?
    private var nextAttempt = 0

    /// Creates a locked vault for `home`.
    public init(home: PocHome, lockAfter: Duration) {
        self.home = home
        self.lockAfter = lockAfter
        self.lastUse = clock.now
    }

    /// The open client, or `nil` when locked; asks the key agent first when locked.
    /// Counts as activity.
    public func unlockedClient() async -> PocClient? {
        await lockIfIdle()
        if client == nil, let fromAgent = try? PocClient.openFromAgent(home: home) { client = fromAgent }
        if client != nil { lastUse = clock.now }
        return client
    }

    /// Whether the keys are open now (without asking the agent or counting as activity).
    public var isUnlocked: Bool { client != nil }

    /// Opens the keys with `passphrase` (kept as they are when already open).
    /// One unlock runs at a time: a form sent twice waits for the first, whose
    /// record is then open (SQLite refuses a second opening at the same moment).
    /// - Throws: a ``PocKit/PocError`` with status 77 for a wrong passphrase.
    public func unlock(passphrase: SecretBytes) async throws(PocError) {
        if let pending = unlocking, case .success = await pending.task.value {
            lastUse = clock.now
            return
        }
        guard client == nil else {
            lastUse = clock.now
            return
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
        let opened = try result.get()
        lastUse = clock.now
        // Opened from the agent meanwhile: keep that client, close this one, never drop one unclosed.
        guard client == nil else {
            await opened.shutdown()
            return
        }
        client = opened
    }

    /// Drops the client: its keys are zeroed when the last reference goes.
    public func lock() async {
        guard let client else { return }
        self.client = nil
        await client.shutdown()
    }

    /// Locks when nothing used the keys for ``lockAfter``.
    public func lockIfIdle() async {
        if client != nil, clock.now - lastUse >= lockAfter { await lock() }
    }
}
