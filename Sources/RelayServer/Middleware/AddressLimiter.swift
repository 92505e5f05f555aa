import Foundation
import HTTPTypes
import Hummingbird
import RelayService

/// The one bucket per client address that every request without a valid
/// session draws from: the public endpoints, each failed authentication, and
/// requests for routes that do not exist (README, "Rate limits").
///
/// Requests that authenticate do not draw from it, so POCs behind one NAT
/// address are not held to the public rate by their own valid traffic.
final class AddressLimiter: Sendable {
    private let buckets: TokenBuckets
    /// Peers whose `X-Forwarded-For` is believed.
    let trustedProxies: Set<String>

    init(rate: Double, burst: Double, trustedProxies: Set<String>) {
        self.buckets = TokenBuckets(rate: rate, burst: burst)
        self.trustedProxies = trustedProxies
    }

    /// Takes a token for `address`; `nil` when allowed, or 429 to throw.
    func take(_ address: String) -> RelayFailure? {
        buckets.take(address).map { .rateLimited(retryAfter: $0) }
    }

    /// 429 when `address` has no token left now, without taking one.
    func refusal(_ address: String) -> RelayFailure? {
        buckets.wait(address).map { .rateLimited(retryAfter: $0) }
    }

    /// The answer to a request from `address` that failed authentication:
    /// it takes a token, and is 429 once the address has none left, else 401.
    func failedAuthentication(from address: String) -> RelayFailure {
        take(address) ?? .unauthorized
    }

    /// The client's address: the TCP peer, or, when the peer is a trusted
    /// proxy, the last `X-Forwarded-For` hop that is not one.
    func clientAddress(_ request: Request, _ context: RelayRequestContext) -> String {
        let peer = context.peerAddress?.ipAddress ?? "unknown"
        guard trustedProxies.contains(peer), let forwarded = request.headers[.xForwardedFor] else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last(where: { !trustedProxies.contains($0) }) ?? peer
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
