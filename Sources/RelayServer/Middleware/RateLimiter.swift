import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import RelayService
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
    func take(_ key: String) -> Int? {
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
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}

/// Rate limiting: per client address on public endpoints, per POC once authenticated.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = RelayRequestContext

    /// What the bucket key is.
    public enum Scope: Sendable {
        /// The client address (after trusted proxies).
        case clientAddress
        /// The authenticated POC (falls back to the address).
        case poc
    }

    let buckets: TokenBuckets
    let scope: Scope
    let trustedProxies: Set<String>

    init(scope: Scope, rate: Double, burst: Double, trustedProxies: Set<String>) {
        self.buckets = TokenBuckets(rate: rate, burst: burst)
        self.scope = scope
        self.trustedProxies = trustedProxies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key: String
        switch scope {
        case .poc:
            key = context.caller.map { "poc:\($0.pocID)" } ?? "ip:\(clientAddress(request, context))"
        case .clientAddress:
            key = "ip:\(clientAddress(request, context))"
        }
        if let wait = buckets.take(key) { throw RelayFailure.rateLimited(retryAfter: wait) }
        return try await next(request, context)
    }

    /// The client's address: the TCP peer, or, when the peer is a trusted
    /// proxy, the last `X-Forwarded-For` hop that is not one.
    func clientAddress(_ request: Request, _ context: Context) -> String {
        let peer = context.peerAddress?.ipAddress ?? "unknown"
        guard trustedProxies.contains(peer), let forwarded = request.headers[.xForwardedFor] else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last(where: { !trustedProxies.contains($0) }) ?? peer
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
