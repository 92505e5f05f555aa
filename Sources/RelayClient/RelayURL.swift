public import Foundation

/// Building relay URLs: base URL checks, path segments, query strings.
public enum RelayURL {
    /// The characters left as they are in a path segment or query item: RFC 3986 unreserved.
    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))

    /// Percent-encodes one path segment (an id taken from the relay or the user).
    ///
    /// Everything but RFC 3986 unreserved characters is encoded, so a `/`,
    /// `?`, `#` or `%` in an id cannot change which resource is addressed.
    /// - Parameter text: The raw segment, e.g. a ping id.
    /// - Returns: The encoded segment, e.g. `a%2Fb` for `a/b`.
    /// - Throws: ``RelayClientError/Kind/invalidRequest(_:)`` for an empty
    ///   segment, `.` or `..`, which would address another resource.
    public static func pathSegment(_ text: String) throws(RelayClientError) -> String {
        guard !text.isEmpty, text != ".", text != ".." else {
            throw RelayClientError(.invalidRequest("an id cannot be empty, \".\" or \"..\""))
        }
        return percentEncoded(text)
    }

    /// Percent-encodes `text`, keeping only RFC 3986 unreserved characters.
    /// - Parameter text: Any string; encoded as UTF-8.
    public static func percentEncoded(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(UnicodeScalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(UnicodeScalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    /// `?k=v&k2=v2` with every key and value percent-encoded, or `""` for no items.
    /// - Parameter items: The query items in order.
    public static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + items.map { percentEncoded($0.0) + "=" + percentEncoded($0.1) }.joined(separator: "&")
    }

    /// Checks a relay base URL and returns it as text without a trailing slash.
    ///
    /// Accepted: `https://host[:port][/prefix]`, and `http://` only when the
    /// host is loopback (`localhost`, `127.0.0.0/8`, `::1`). Refused: user
    /// info, query, fragment, any other scheme.
    /// - Parameter url: The configured relay URL.
    /// - Throws: ``RelayClientError/Kind/badConfiguration(_:)`` saying what is wrong.
    public static func validatedBase(_ url: URL) throws(RelayClientError) -> String {
        let text = url.absoluteString
        let parts = URLComponents(url: url, resolvingAgainstBaseURL: false)
        // Name the relay in messages without any user name, password or query it may hold.
        var shown = parts
        shown?.user = nil
        shown?.password = nil
        shown?.query = nil
        shown?.fragment = nil
        let label = RelayClientError.printable(shown?.string ?? "", limit: 200)
        func fail(_ why: String) -> RelayClientError {
            RelayClientError(.badConfiguration(why), relay: label)
        }
        guard let parts else { throw fail("the relay URL is not valid") }
        guard let scheme = parts.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw fail("the relay URL must start with https://")
        }
        guard let host = parts.host, !host.isEmpty else { throw fail("the relay URL has no host") }
        guard parts.user == nil, parts.password == nil else {
            throw fail("the relay URL must not hold a user name or password")
        }
        guard parts.query == nil, parts.fragment == nil else {
            throw fail("the relay URL must not hold a query or fragment")
        }
        if scheme == "http" && !isLoopback(host: host) {
            throw fail("plain http:// is only for a relay on this machine (127.0.0.1, ::1, localhost); use https://")
        }
        var base = text
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// True for `localhost`, an IPv4 address in `127.0.0.0/8`, and `::1`.
    /// - Parameter host: A URL host, with or without IPv6 brackets.
    public static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "localhost." || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && UInt8(octet) != nil
        }
    }
}
