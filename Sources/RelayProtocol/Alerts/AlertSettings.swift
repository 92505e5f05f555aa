import Foundation

/// A POC's alert channels: `GET` and `PUT /v1/alerts/me` (section 10).
///
/// Set by each POC for itself and never part of the public directory.
/// Decoding checks only the shape and the enumerations; the content rules
/// (address and URL form, loopback and private networks) are
/// ``AlertSettings/validated(allowLoopbackHTTP:allowPrivateNetworks:)`` and the relay's policy.
public struct AlertSettings: Hashable, Sendable, Codable, UnknownField.Checked {
    /// One e-mail address, or nil.
    public var email: String?
    /// An `https://` URL, or nil.
    public var webhook: String?
    /// The urgencies that alert; a non-empty subset of the four.
    public var urgencies: [Urgency]

    /// The defaults of section 10: no channel, FLASH and IMMEDIATE.
    public static let defaults = AlertSettings(email: nil, webhook: nil, urgencies: [.flash, .immediate])

    /// The longest e-mail address accepted (RFC 5321's path limit).
    public static let maxEmailLength = 254
    /// The longest webhook URL accepted.
    public static let maxWebhookLength = 2048

    enum CodingKeys: String, CodingKey, CaseIterable { case email, webhook, urgencies }

    /// Creates the value.
    public init(email: String?, webhook: String?, urgencies: [Urgency]) {
        self.email = email
        self.webhook = webhook
        self.urgencies = urgencies
    }

    public init(from decoder: any Decoder) throws {
        try UnknownField.check(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        webhook = try c.decodeIfPresent(String.self, forKey: .webhook)
        urgencies = try c.decode([Urgency].self, forKey: .urgencies)
    }

    /// Encodes both channels, `null` when unset, as section 10 shows.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(email, forKey: .email)
        try c.encode(webhook, forKey: .webhook)
        try c.encode(urgencies, forKey: .urgencies)
    }

    /// The channels that are set, e-mail first.
    public var channels: [AlertChannel] {
        (email == nil ? [] : [.email]) + (webhook == nil ? [] : [.webhook])
    }

    /// Whether a message of `urgency` alerts.
    public func alerts(for urgency: Urgency) -> Bool { urgencies.contains(urgency) }

    /// The same settings with the content rules checked, urgencies in order
    /// from most to least urgent.
    ///
    /// An empty string for a channel means "unset". The webhook's host is
    /// checked here only as far as its text goes (an IP literal in a private
    /// or loopback range); the relay also checks the addresses a name
    /// resolves to when it sends.
    /// - Parameters:
    ///   - allowLoopbackHTTP: Whether `http://` to a loopback address is allowed (tests).
    ///   - allowPrivateNetworks: Whether a private or link-local IP literal is allowed.
    /// - Throws: ``WireError`` (422) naming the field.
    public func validated(allowLoopbackHTTP: Bool, allowPrivateNetworks: Bool = false) throws(WireError) -> AlertSettings {
        var out = self
        if let email, !email.isEmpty { out.email = try Self.checkedEmail(email) } else { out.email = nil }
        if let webhook, !webhook.isEmpty {
            out.webhook = try WebhookURL(parsing: webhook, allowLoopbackHTTP: allowLoopbackHTTP, allowPrivateNetworks: allowPrivateNetworks).text
        } else {
            out.webhook = nil
        }
        guard !urgencies.isEmpty else {
            throw WireError(.invalidField, field: "urgencies", "must name at least one of \(Urgency.allowedValues)")
        }
        guard Set(urgencies).count == urgencies.count else {
            throw WireError(.invalidField, field: "urgencies", "names an urgency twice")
        }
        out.urgencies = urgencies.sorted { $0.rank < $1.rank }
        return out
    }

    /// One address `local@domain`: at most 254 characters, printable ASCII
    /// or UTF-8 letters without spaces, control or format characters, one `@`
    /// with something on each side and a dot-free or dotted domain.
    static func checkedEmail(_ text: String) throws(WireError) -> String {
        func bad(_ why: String) -> WireError { WireError(.invalidField, field: "email", why) }
        guard text.utf8.count <= maxEmailLength else { throw bad("is longer than \(maxEmailLength) bytes") }
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                throw bad("contains \(String(format: "U+%04X", scalar.value)), a control or format character")
            }
            if scalar.properties.isWhitespace { throw bad("contains a space; give one address, like duty@cert.example") }
            if "<>,;\"()[]\\".unicodeScalars.contains(scalar) { throw bad("must be one plain address, like duty@cert.example") }
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw bad("must be one address local@domain, like duty@cert.example")
        }
        let domain = parts[1]
        guard !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            throw bad("has a domain that is not a host name")
        }
        return text
    }
}
