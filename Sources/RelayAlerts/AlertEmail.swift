public import Foundation
public import RelayProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The e-mail of one alert (section 10): an RFC 5322 message, plain text
/// with the same facts as the webhook body, the relay's id and fingerprint,
/// and how to read and verify. Never a subject, body, key or token of the
/// message, and not the sender's id.
///
/// The same alert makes the same message on every retry (its `Date` is the
/// alert's `at`, its `Message-ID` comes from the alert id), so a mail
/// system can drop a duplicate.
public struct AlertEmail: Sendable, Hashable {
    /// Why a message cannot be built.
    public struct Refused: Error, Hashable, CustomStringConvertible {
        /// The header whose value is refused (`From`, `To`, ...).
        public let header: String

        /// Names the refused header.
        public init(header: String) { self.header = header }

        public var description: String { "the \(header) header would hold a line break or a control character" }
    }

    /// The header fields, in order.
    public let headers: [(name: String, value: String)]
    /// The body's lines (joined with CRLF in ``data``).
    public let bodyLines: [String]

    public static func == (a: AlertEmail, b: AlertEmail) -> Bool {
        a.headers.map { [$0.name, $0.value] } == b.headers.map { [$0.name, $0.value] } && a.bodyLines == b.bodyLines
    }

    public func hash(into hasher: inout Hasher) {
        for (name, value) in headers { hasher.combine([name, value]) }
        hasher.combine(bodyLines)
    }

    /// The first value of a header field.
    public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

    /// The message as sendmail reads it: headers, a blank line, the body; CRLF line ends.
    public var data: Data {
        let lines = headers.map { "\($0.name): \($0.value)" } + [""] + bodyLines
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// Builds the message.
    ///
    /// - Parameters:
    ///   - notice: The alert's facts (the webhook body's).
    ///   - to: The alerted POC's address.
    ///   - from: The configured `From`, or nil for `POC Relay <poc-relay@HOSTNAME>`.
    ///   - relayFingerprint: The relay key's fingerprint in groups.
    ///   - hostname: The host name for the default `From` (this machine's when nil).
    /// - Throws: ``Refused`` when a header value holds CR, LF or another control character.
    public init(notice: AlertNotice, to: String, from: String?, relayFingerprint: String, hostname: String? = nil) throws(Refused) {
        let sender = from ?? "POC Relay <poc-relay@\(Self.safeHostname(hostname ?? Self.machineHostname()))>"
        let fields: [(String, String)] = [
            ("From", sender),
            ("To", to),
            ("Subject", Self.subject(notice)),
            ("Date", Self.rfc5322Date(notice.at.date)),
            ("Message-ID", "<\(notice.alertID)@\(notice.relayID).poc-relay.invalid>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "8bit"),
            ("Auto-Submitted", "auto-generated"),
        ]
        for (name, value) in fields where value.isEmpty || value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw Refused(header: name)
        }
        headers = fields.map { (name: $0.0, value: $0.1) }
        bodyLines = Self.body(notice, relayFingerprint: relayFingerprint)
    }

    /// `[POC Relay] FLASH message waiting for DEU-TEC-1`, `[POC Relay] ESCALATION: ...`,
    /// `[POC Relay] Test alert`; `EXERCISE - ` after the tag for exercise traffic.
    public static func subject(_ notice: AlertNotice) -> String {
        let urgency = notice.urgency.map { $0.rawValue.uppercased() } ?? "A"
        let what: String
        switch notice.reason {
        case .waiting: what = "\(urgency) message waiting for \(notice.forPOCID)"
        case .escalation: what = "ESCALATION: \(urgency) message for \(notice.forPOCID) unreceipted"
        case .test: what = "Test alert"
        }
        return "[POC Relay] " + (notice.exercise ? "EXERCISE - " : "") + what
    }

    /// The body: what happened in words, the facts, the relay, how to read and how to verify.
    static func body(_ notice: AlertNotice, relayFingerprint: String) -> [String] {
        let urgency = notice.urgency.map { $0.rawValue.uppercased() } ?? "a"
        var lines: [String] = []
        if notice.exercise { lines += ["EXERCISE - this alert is about exercise traffic, not a real incident.", ""] }
        switch notice.reason {
        case .waiting:
            lines.append("A \(urgency) message is waiting on the POC Relay for \(notice.forPOCID).")
        case .escalation:
            lines += [
                "A \(urgency) message for \(notice.forPOCID) has not been receipted within its receipt window.",
                "You are alerted as another point of contact of the same state.",
            ]
        case .test:
            lines.append("This is a test alert for \(notice.pocID): this e-mail channel works.")
        }
        lines += [
            "",
            "Reason:       \(notice.reason.rawValue)",
            "POC alerted:  \(notice.pocID)",
            "For POC:      \(notice.forPOCID)",
            "Urgency:      \(notice.urgency?.rawValue ?? "none (test)")",
            "Exercise:     \(notice.exercise ? "yes" : "no")",
            "Waiting:      \(notice.waiting) message\(notice.waiting == 1 ? "" : "s")",
            "Accepted at:  \(notice.acceptedAt?.description ?? "none (test)")",
            "Alert id:     \(notice.alertID)",
            "At:           \(notice.at.description)",
            "Relay:        \(notice.relayID)",
            "Fingerprint:  \(relayFingerprint)",
            "",
        ]
        if notice.reason == .escalation {
            lines += [
                "The message waits for \(notice.forPOCID), who has not confirmed it: reach them by your",
                "usual means. Your own messages: open `poc inbox` or `poc watch`.",
            ]
        } else {
            lines.append("To read it, open `poc inbox` or `poc watch` on the point of contact's machine.")
        }
        lines += [
            "This e-mail carries no content: no subject, body or sender of any message.",
            "To verify alerts, set a webhook: its body is signed with the relay key",
            "(X-POC-Relay-Signature, docs/protocol.md section 10).",
        ]
        return lines
    }

    /// `Wed, 02 Dec 2026 04:31:26 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// This machine's host name (`gethostname`).
    static func machineHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Letters, digits, dots and hyphens of `name`, or `localhost`.
    static func safeHostname(_ name: String) -> String {
        let kept = String(name.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "-") })
        return kept.isEmpty ? "localhost" : String(kept.prefix(253))
    }
}
