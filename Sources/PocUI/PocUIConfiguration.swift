public import PocKit

/// How one `poc ui` run serves: which home, which port, when to lock.
public struct PocUIConfiguration: Sendable {
    /// The POC home whose keys and record the interface uses.
    public var home: PocHome
    /// The port on 127.0.0.1; 0 for a free one.
    public var port: Int
    /// Idle time after which the keys are dropped (`--lock-after`, 15 minutes by default).
    public var lockAfter: Duration
    /// How often the idle time is checked when no request comes.
    public var idleCheckInterval: Duration

    /// Creates a configuration.
    public init(home: PocHome, port: Int = 0, lockAfter: Duration = .seconds(15 * 60), idleCheckInterval: Duration = .seconds(15)) {
        self.home = home
        self.port = port
        self.lockAfter = lockAfter
        self.idleCheckInterval = idleCheckInterval
    }
}
