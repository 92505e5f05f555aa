import ServiceLifecycle

/// Drops the keys after the vault's idle time even when no request comes, so
/// the keys do not stay in memory behind an abandoned browser tab; drops them
/// at shutdown, after which nothing reopens them. A `poc unlock` agent keeps its
/// own keys (only the lock button and `poc lock` end it).
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
        await vault.shutDown()
    }
}
