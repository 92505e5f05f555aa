import Foundation

/// A webhook address as section 10 allows it: `https://`, or `http://` to a
/// loopback address when the relay is configured for tests; no user
/// information, no fragment, a host, and no IP literal in a private,
/// link-local, loopback (for `https`) or otherwise non-public range.
///
/// A host *name* is only checked for shape here: the addresses it resolves
/// to are checked when the relay sends (``IPAddressRange``).
public struct WebhookURL: Hashable, Sendable {
    /// The URL as given (and as stored).
    public let text: String
    /// `https` or `http`.
    public let scheme: String
    /// The host, lowercased, without brackets for IPv6.
    public let host: String
    /// The port, or nil for the scheme's default.
    public let port: Int?

    /// Parses and checks `text`.
    /// - Parameters:
    ///   - text: The URL.
    ///   - allowLoopbackHTTP: Whether `http://` (and `https://`) to a loopback address is allowed (tests).
    ///   - allowPrivateNetworks: Whether a private or link-local IP literal is allowed.
    /// - Throws: ``WireError`` (422, field `webhook`) saying what is wrong.
    public init(parsing text: String, allowLoopbackHTTP: Bool, allowPrivateNetworks: Bool = false) throws(WireError) {
        func bad(_ why: String) -> WireError { WireError(.invalidField, field: "webhook", why) }
        guard text.utf8.count <= AlertSettings.maxWebhookLength else {
            throw bad("is longer than \(AlertSettings.maxWebhookLength) bytes")
        }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw bad("must be an https:// URL of printable ASCII without spaces")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw bad("must be an https:// URL, like https://alerts.cert.example/poc")
        }
        guard let host = components.host?.lowercased(), !host.isEmpty else { throw bad("has no host") }
        guard components.user == nil, components.password == nil else { throw bad("must not carry a user name or password") }
        guard components.fragment == nil else { throw bad("must not have a #fragment") }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let literal = IPAddressRange.classify(literal: bare)
        switch scheme {
        case "https":
            break
        case "http":
            guard allowLoopbackHTTP, literal == .loopback || bare == "localhost" else {
                throw bad("must use https:// (http:// is allowed only to a loopback address on a relay configured for tests)")
            }
        default:
            throw bad("must use https://, not \(scheme.prefix(16))://")
        }
        if let literal, !Self.allows(literal, allowLoopback: allowLoopbackHTTP, allowPrivate: allowPrivateNetworks) {
            throw bad("points to a \(literal.rawValue) address; give a public address")
        }
        self.text = text
        self.scheme = scheme
        self.host = bare
        self.port = components.port
    }

    /// Whether an address of `range` may receive a webhook: public ones
    /// always, loopback only on a relay configured for tests, private and
    /// link-local ones only when configured, reserved ones never. The relay
    /// applies the same rule to every address a host name resolves to.
    public static func allows(_ range: IPAddressRange, allowLoopback: Bool, allowPrivate: Bool) -> Bool {
        switch range {
        case .public: true
        case .loopback: allowLoopback
        case .private, .linkLocal: allowPrivate
        case .reserved: false
        }
    }
}
