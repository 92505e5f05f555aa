public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RelayProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Delivers one alert to a webhook (section 10): `POST` of the exact body
/// with `Content-Type: application/json` and `X-POC-Relay-Signature`, no
/// redirect followed, within one deadline. Before connecting, the URL is
/// checked again and every address its host resolves to must pass the
/// ``WebhookAddressPolicy``. A 2xx answer is a delivery; anything else is a
/// failure in a few words.
public struct WebhookDelivery: Sendable {
    /// The client (redirects disallowed: see ``makeClient(timeout:)``).
    let client: HTTPClient
    /// The time one attempt may take.
    let timeout: Duration
    /// Which addresses may be reached.
    let policy: WebhookAddressPolicy

    /// Creates the delivery over a client from ``makeClient(timeout:)``.
    public init(client: HTTPClient, timeout: Duration, policy: WebhookAddressPolicy) {
        self.client = client
        self.timeout = timeout
        self.policy = policy
    }

    /// A client that follows no redirect, decompresses nothing and reads no proxy settings.
    public static func makeClient(timeout: Duration) -> HTTPClient {
        let seconds = Int64(max(1, AlertBackoff.seconds(timeout).rounded(.up)))
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(seconds), read: .seconds(seconds)),
            decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.idleTimeout = .seconds(30)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Posts `body` to `target`.
    ///
    /// - Parameters:
    ///   - target: The webhook URL as stored.
    ///   - body: The exact bytes (``AlertNotice/body``).
    ///   - signature: The `X-POC-Relay-Signature` value.
    /// - Returns: The outcome; a failure never names the URL's path or query.
    public func send(to target: String, body: Data, signature: String) async -> DeliveryOutcome {
        let start = ContinuousClock.now
        let url: WebhookURL
        do {
            url = try WebhookURL(parsing: target, allowLoopbackHTTP: policy.allowLoopback, allowPrivateNetworks: policy.allowPrivate)
        } catch {
            if let range = IPAddressRange.classify(literal: Self.bareHost(of: target) ?? ""),
                !WebhookURL.allows(range, allowLoopback: policy.allowLoopback, allowPrivate: policy.allowPrivate)
            {
                return .failed("address not allowed: \(range.rawValue)")
            }
            return .failed("webhook URL not allowed")
        }
        guard let addresses = await WebhookAddressPolicy.resolveInBackground(url.host, timeout: timeout) else {
            return .failed(ContinuousClock.now - start >= timeout ? timedOut : "cannot resolve host")
        }
        if let refusal = policy.refusal(of: addresses, ownAddresses: WebhookAddressPolicy.interfaceAddresses()) {
            return .failed(refusal)
        }
        var request = HTTPClientRequest(url: target)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: AlertSignature.header, value: signature)
        request.headers.add(name: "User-Agent", value: "poc-relay")
        request.body = .bytes(ByteBuffer(bytes: body))
        let left = timeout - (ContinuousClock.now - start)
        guard left > .zero else { return .failed(timedOut) }
        do {
            let response = try await client.execute(request, deadline: .now() + .nanoseconds(Self.nanoseconds(left)))
            // The answer's body means nothing to the relay: read a little, so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            switch status {
            case 200..<300: return .delivered
            case 300..<400: return .failed("redirect not followed (HTTP \(status))")
            default: return .failed("HTTP \(status)")
            }
        } catch {
            return .failed(words(for: error))
        }
    }

    private var timedOut: String { "timed out after \(Self.wholeSeconds(timeout)) s" }

    /// A few words for what AsyncHTTPClient, NIO or NIOSSL threw.
    func words(for error: any Error) -> String {
        if error is CancellationError { return "cancelled" }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
                return timedOut
            case .remoteConnectionClosed: return "connection closed before an answer"
            case .cancelled: return "cancelled"
            default: return "HTTP failure (\(error.shortDescription.lowercased()))"
            }
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "cannot resolve host" }
            for failure in error.connectionErrors {
                if let io = failure.error as? IOError { return Self.words(forErrno: io.errnoCode) }
                if let channel = failure.error as? ChannelError, case .connectTimeout = channel { return timedOut }
            }
            return "connection failed"
        }
        if let error = error as? IOError { return Self.words(forErrno: error.errnoCode) }
        if let error = error as? ChannelError, case .connectTimeout = error { return timedOut }
        if error is NIOSSLError || error is NIOSSLExtraError { return "TLS handshake failed" }
        return "connection failed"
    }

    static func words(forErrno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ETIMEDOUT: "connection timed out"
        case ENETUNREACH: "network unreachable"
        case EHOSTUNREACH: "no route to host"
        case ECONNRESET: "connection reset"
        default: "connection failed (errno \(code))"
        }
    }

    /// The host of a URL that did not pass ``WebhookURL``, without brackets.
    static func bareHost(of text: String) -> String? {
        guard let host = URLComponents(string: text)?.host else { return nil }
        return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    static func wholeSeconds(_ duration: Duration) -> Int64 { Int64(AlertBackoff.seconds(duration).rounded(.up)) }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (s, attos) = duration.components
        return s * 1_000_000_000 + attos / 1_000_000_000
    }
}
