import Synchronization

/// A flag set once (the sender's graceful shutdown).
final class StopFlag: Sendable {
    private let flag = Mutex(false)

    /// Whether it was set.
    var isSet: Bool { flag.withLock { $0 } }

    /// Sets it.
    func set() { flag.withLock { $0 = true } }
}
