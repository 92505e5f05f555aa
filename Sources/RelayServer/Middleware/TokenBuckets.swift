import Synchronization

/// Token buckets keyed by client address or POC id.
///
/// A bucket refills at `rate` per second up to `burst`; a request takes one
/// token or is refused with the seconds until one is available.
final class TokenBuckets: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Double) {
        self.rate = max(rate, 0.001)
        self.burst = max(burst, 1)
    }

    /// Takes a token for `key`; returns `nil` when allowed, or seconds to wait.
    func take(_ key: String) -> Int? { settle(key, taking: true) }

    /// Seconds until `key` has a token, or `nil` when it has one now; takes nothing.
    func wait(_ key: String) -> Int? { settle(key, taking: false) }

    /// Refills `key`'s bucket and, when `taking`, takes a token from it;
    /// `nil` when it has one, else the seconds until it will.
    private func settle(_ key: String, taking: Bool) -> Int? {
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            if buckets.count > 50_000 {  // forget idle clients rather than grow without bound
                buckets = buckets.filter { now - $0.value.updated < .seconds(burst / rate) }
            }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                if taking { bucket.tokens -= 1 }
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}
