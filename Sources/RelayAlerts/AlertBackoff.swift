public import Foundation

/// When a failed alert is tried again (section 10: retries with backoff for
/// at least an hour): the first retry after `firstRetryDelay`, each next one
/// after twice the last, at most `maxRetryDelay`; none once the alert is
/// older than `retryFor`.
public enum AlertBackoff {
    /// The next attempt after a failure, or nil to give up.
    ///
    /// - Parameters:
    ///   - attempts: Attempts made before the one that just failed.
    ///   - createdAt: When the alert was made.
    ///   - now: When the failed attempt ended.
    ///   - configuration: The delays and `retryFor`.
    public static func retryAt(attempts: Int, createdAt: Date, now: Date, configuration: AlertDeliveryConfiguration) -> Date? {
        let retryFor = seconds(configuration.retryFor)
        guard now.timeIntervalSince(createdAt) < retryFor else { return nil }
        let first = max(1, seconds(configuration.firstRetryDelay))
        let longest = max(first, seconds(configuration.maxRetryDelay))
        // Doubling past 2^20 only ever hits the cap.
        let delay = min(longest, first * pow(2, Double(min(max(0, attempts), 20))))
        return now.addingTimeInterval(delay)
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        let (s, attos) = duration.components
        return Double(s) + Double(attos) / 1e18
    }
}
