internal import CSodium

/// One-time, thread-safe `sodium_init`.
///
/// Swift runs a global's initialiser exactly once, under a lock, on first use;
/// every public entry point of this module touches `SodiumRuntime.ready`.
enum SodiumRuntime {
    /// True once libsodium is initialised. A failure to initialise is fatal:
    /// without a working CSPRNG no operation of this module is safe.
    static let ready: Bool = {
        guard sodium_init() >= 0 else {
            fatalError("libsodium failed to initialise (sodium_init < 0)")
        }
        return true
    }()

    @inline(__always)
    static func ensure() { _ = ready }
}
