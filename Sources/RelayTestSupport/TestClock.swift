public import Foundation
import Synchronization

/// A stopped clock a test moves forward by hand, so deadlines and receipt
/// windows are crossed deterministically, however slow a loaded machine is.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Stops at the real time of its creation.
    public init() { current = Mutex(Date()) }

    /// The clock's time.
    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// Moves the clock to `margin` seconds after `date` (no-op if already past).
    public func advance(past date: Date, by margin: TimeInterval = 1) {
        let needed = date.timeIntervalSince(now()) + margin
        if needed > 0 { advance(seconds: needed) }
    }
}
