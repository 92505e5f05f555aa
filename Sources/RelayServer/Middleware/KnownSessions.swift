import Synchronization

/// Session tokens this relay process issued or accepted lately, as 64-bit
/// fingerprints (Swift's per-process randomly keyed `Hasher`; never the
/// token, and no SHA-256), so that an address out of tokens in its
/// ``AddressLimiter`` bucket is refused before any other token is hashed and
/// looked up, while its POCs' valid sessions are still served.
///
/// A fingerprint decides only whether a request may try to authenticate when
/// its address is out of tokens; the session lookup still decides whether it
/// does. A false match costs one lookup, never access.
final class KnownSessions: Sendable {
    /// How long a fingerprint is kept after it was last issued or accepted.
    let retention: Duration
    /// Fingerprints held at most; past it the old ones are dropped, or all.
    let capacity: Int
    private let seen = Mutex<[Int: ContinuousClock.Instant]>([:])

    init(retention: Duration, capacity: Int = 100_000) {
        self.retention = retention
        self.capacity = max(1, capacity)
    }

    private static func fingerprint(_ token: Substring) -> Int {
        var hasher = Hasher()
        hasher.combine(token)
        return hasher.finalize()
    }

    /// True when `token` was issued or accepted within ``retention``.
    func contains(_ token: Substring) -> Bool {
        let key = Self.fingerprint(token), now = ContinuousClock.now
        return seen.withLock { seen in
            guard let last = seen[key] else { return false }
            return now - last < retention
        }
    }

    /// Notes that `token` was issued or accepted now.
    func remember(_ token: Substring) {
        let key = Self.fingerprint(token), now = ContinuousClock.now
        seen.withLock { seen in
            if seen[key] == nil, seen.count >= capacity {
                seen = seen.filter { now - $0.value < retention }
                if seen.count >= capacity { seen.removeAll(keepingCapacity: true) }
            }
            seen[key] = now
        }
    }

    /// Forgets `token` (it failed to authenticate).
    func forget(_ token: Substring) {
        let key = Self.fingerprint(token)
        _ = seen.withLock { $0.removeValue(forKey: key) }
    }
}
