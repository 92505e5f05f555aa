import Foundation
import RelayProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which addresses a webhook may reach (section 10): every address its host
/// resolves to must be allowed by ``WebhookURL/allows(_:allowLoopback:allowPrivate:)``
/// and, unless loopback is allowed (tests), none may be one of the relay
/// machine's own interface addresses. So an alert never becomes a way to
/// probe the relay's machine or its network.
public struct WebhookAddressPolicy: Sendable, Hashable {
    /// Whether loopback addresses (and the machine's own) are allowed.
    public var allowLoopback: Bool
    /// Whether private and link-local addresses are allowed.
    public var allowPrivate: Bool

    /// Creates the policy.
    public init(allowLoopback: Bool, allowPrivate: Bool) {
        self.allowLoopback = allowLoopback
        self.allowPrivate = allowPrivate
    }

    /// Why `addresses` (4 or 16 bytes each) may not be reached, or nil when all may.
    ///
    /// - Parameters:
    ///   - addresses: What the host resolved to.
    ///   - ownAddresses: The machine's own interface addresses (``interfaceAddresses()``).
    /// - Returns: `address not allowed: private` (the range of the first refused
    ///   address), `address not allowed: own address`, or `host resolves to no address`.
    public func refusal(of addresses: [[UInt8]], ownAddresses: Set<[UInt8]>) -> String? {
        guard !addresses.isEmpty else { return "host resolves to no address" }
        for address in addresses {
            let range: IPAddressRange
            switch address.count {
            case 4: range = IPAddressRange.classify(v4: address)
            case 16: range = IPAddressRange.classify(v6: address)
            default: return "address not allowed: unknown family"
            }
            guard WebhookURL.allows(range, allowLoopback: allowLoopback, allowPrivate: allowPrivate) else {
                return "address not allowed: \(range.rawValue)"
            }
            if !allowLoopback && ownAddresses.contains(address) { return "address not allowed: own address" }
        }
        return nil
    }

    /// The addresses `host` resolves to (an IP literal resolves to itself).
    ///
    /// Blocks on the system resolver: call it off the cooperative pool (see ``resolveInBackground(_:timeout:)``).
    /// - Returns: The addresses (4 or 16 bytes each), or nil when the name does not resolve.
    public static func resolve(_ host: String) -> [[UInt8]]? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var out: [[UInt8]] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            if let address = entry.pointee.ai_addr, let bytes = Self.bytes(of: address), !out.contains(bytes) { out.append(bytes) }
            next = entry.pointee.ai_next
        }
        return out
    }

    /// ``resolve(_:)`` on a thread of its own, given up after `timeout`.
    /// - Returns: The addresses; nil when the name does not resolve or the resolver took too long.
    public static func resolveInBackground(_ host: String, timeout: Duration) async -> [[UInt8]]? {
        let once = OnceBox<[[UInt8]]?>()
        return await withCheckedContinuation { continuation in
            once.set(continuation)
            DispatchQueue.global().async { once.finish(resolve(host)) }
            DispatchQueue.global().asyncAfter(deadline: .now() + AlertBackoff.seconds(timeout)) { once.finish(nil) }
        }
    }

    /// The addresses of this machine's network interfaces (loopback included).
    public static func interfaceAddresses() -> Set<[UInt8]> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(first) }
        var out: Set<[UInt8]> = []
        var next: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = next {
            if let address = entry.pointee.ifa_addr, let bytes = Self.bytes(of: address) { out.insert(bytes) }
            next = entry.pointee.ifa_next
        }
        return out
    }

    /// The 4 or 16 address bytes of an IPv4 or IPv6 socket address, else nil.
    static func bytes(of address: UnsafePointer<sockaddr>) -> [UInt8]? {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                withUnsafeBytes(of: v4.pointee.sin_addr) { Array($0) }
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) }
            }
        default:
            return nil
        }
    }
}
