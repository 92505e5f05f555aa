import ServiceLifecycle

/// Locks the vault after its idle time even when no request comes, so the keys
/// do not stay in memory behind an abandoned browser tab; locks at shutdown.
struct IdleLock: Service {
    let vault: KeyVault
    /// How often to look.
    let interval: Duration

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    await vault.lockIfIdle()
                }
            }
        } catch is CancellationError {}
        await vault.lock()
    }
}
