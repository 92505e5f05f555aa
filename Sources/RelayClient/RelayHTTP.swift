import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// An HTTP answer as received, for callers that check the wire themselves.
public struct RawResponse: Sendable {
    /// The HTTP status code.
    public let status: Int
    /// The header fields in received order.
    public let headers: [(String, String)]
    /// The body (at most the client's response limit).
    public let body: Data

    /// Creates a response.
    /// - Parameters:
    ///   - status: The HTTP status code.
    ///   - headers: The header fields.
    ///   - body: The body bytes.
    public init(status: Int, headers: [(String, String)], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (compared without case), if any.
    /// - Parameter name: A header field name, e.g. `Content-Type`.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// The media type of the body without parameters, lowercased (`application/json`).
    public var mediaType: String? {
        header("Content-Type").map {
            ($0.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "")
                .trimmingCharacters(in: .whitespaces).lowercased()
        }
    }
}

/// One HTTPS connection pool to one relay (AsyncHTTPClient underneath).
///
/// TLS verification is always full: against the system store or against a
/// private CA file. Plain `http://` is accepted only for a loopback relay
/// (`127.0.0.0/8`, `::1`, `localhost`) started with `--http`, so a bearer
/// token never crosses a network in clear. Redirects are never followed.
///
/// Call ``shutdown()`` once done, or use ``withClient(baseURL:trust:_:)``.
public final class RelayHTTP: Sendable {
    /// The relay's base URL, without a trailing slash.
    public let baseURL: String
    /// The largest response body accepted, in bytes.
    public let responseBodyLimit: Int
    /// The default response body limit: 8 MiB, above any answer of protocol v1
    /// (an inbox page of large messages stays under it with a sensible `limit`).
    public static let defaultResponseBodyLimit = 8 * 1024 * 1024

    private let client: HTTPClient

    /// Opens a client for the relay at `baseURL`.
    /// - Parameters:
    ///   - baseURL: `https://host[:port][/prefix]`, or `http://` for a loopback relay.
    ///   - trust: The certificate authorities to trust.
    ///   - responseBodyLimit: The largest response body accepted, in bytes.
    /// - Throws: ``RelayClientError/Kind/badConfiguration(_:)`` for a URL that
    ///   is not an acceptable relay address, or a CA file that cannot be used.
    public init(
        baseURL: URL, trust: RelayTrust, responseBodyLimit: Int = RelayHTTP.defaultResponseBodyLimit
    )
        throws(RelayClientError)
    {
        let base = try RelayURL.validatedBase(baseURL)
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try trust.tlsConfiguration(relay: base),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: nil),
            decompression: .disabled)
        // Fail at once when the relay refuses: a duty officer wants to know now,
        // not after the request's whole time limit.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.idleTimeout = .seconds(50)
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.baseURL = base
        self.responseBodyLimit = max(0, responseBodyLimit)
    }

    /// Runs `body` with a fresh client and shuts the client down afterwards,
    /// whether `body` returns or throws.
    /// - Parameters:
    ///   - baseURL: The relay's base URL.
    ///   - trust: The certificate authorities to trust.
    ///   - body: The work to do with the client.
    /// - Throws: What the initialiser or `body` throws.
    public static func withClient<T: Sendable>(
        baseURL: URL, trust: RelayTrust, _ body: (RelayHTTP) async throws -> T
    ) async throws -> T {
        let http = try RelayHTTP(baseURL: baseURL, trust: trust)
        let result: T
        do {
            result = try await body(http)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        return result
    }

    /// Closes every connection; call exactly once, when done with the client.
    /// - Throws: AsyncHTTPClient's error when it was already shut down.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Sends one request and returns the relay's answer whatever its status.
    ///
    /// For hostile-input tests and tools that check the wire themselves; the
    /// typed calls are on ``RelayAPIClient``.
    /// - Parameters:
    ///   - method: The HTTP method, e.g. `POST`.
    ///   - path: The path after the base URL, starting with `/`, already percent-encoded.
    ///   - query: Query items, percent-encoded here.
    ///   - body: The request body, if any.
    ///   - headers: Header fields to send.
    ///   - timeout: The time limit for the whole exchange.
    /// - Returns: Status, headers and body.
    /// - Throws: ``RelayClientError/Kind/unreachable(_:)`` when no answer came,
    ///   ``RelayClientError/Kind/badResponse(_:)`` when the body is over the limit,
    ///   ``RelayClientError/Kind/invalidRequest(_:)`` for a path not starting with `/`,
    ///   ``RelayClientError/Kind/cancelled`` when the task was cancelled.
    public func send(
        method: String, path: String, query: [(String, String)] = [], body: Data?, headers: [(String, String)] = [],
        timeout: Duration
    ) async throws(RelayClientError) -> RawResponse {
        let context = "\(method) \(path)"
        guard path.hasPrefix("/") else {
            throw RelayClientError(.invalidRequest("the path must start with /"), context: context, relay: baseURL)
        }
        var request = HTTPClientRequest(url: baseURL + path + RelayURL.queryString(query))
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(data: body)) }
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            let buffer = try await response.body.collect(upTo: responseBodyLimit)
            return RawResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: Data(buffer: buffer, byteTransferStrategy: .noCopy))
        } catch let error as HTTPClientError where error == .invalidURL {
            throw RelayClientError(.invalidRequest("the path is not a valid URL path"), context: context, relay: baseURL)
        } catch {
            throw RelayClientError(TransportFailure.kind(of: error, timeout: timeout), context: context, relay: baseURL)
        }
    }
}
