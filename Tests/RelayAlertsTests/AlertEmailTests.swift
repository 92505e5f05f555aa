import Foundation
import RelayAlerts
import RelayProtocol
import Testing

/// The alert e-mail on its own: headers, body, no header injection, exercise marking.
@Suite("Alert e-mail")
struct AlertEmailTests {
    static let at = Timestamp(secondsSince1970: 1_795_000_000)

    func notice(reason: AlertReason = .waiting, urgency: Urgency? = .flash, exercise: Bool = false, forPOC: String = "DEU-TEC-1") -> AlertNotice {
        AlertNotice(
            relayID: "D194992B03F9DE27FFF5A10270E4283E", alertID: "0123456789abcdef0123456789abcdef", reason: reason, pocID: "DEU-TEC-1",
            forPOCID: forPOC, urgency: urgency, exercise: exercise, waiting: 2,
            acceptedAt: reason == .test ? nil : Timestamp(secondsSince1970: 1_794_999_990), at: Self.at)
    }

    func email(_ notice: AlertNotice, from: String? = nil) throws -> AlertEmail {
        try AlertEmail(notice: notice, to: "duty@cert.example", from: from, relayFingerprint: "D194 992B 03F9", hostname: "relay.example")
    }

    @Test("the headers of RFC 5322: From, To, Subject, Date, a Message-ID from the alert id, MIME plain text, Auto-Submitted")
    func headers() throws {
        let mail = try email(notice())
        #expect(
            mail.headers.map(\.name) == [
                "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Auto-Submitted",
            ])
        #expect(mail.header("From") == "POC Relay <poc-relay@relay.example>")
        #expect(mail.header("To") == "duty@cert.example")
        #expect(mail.header("Subject") == "[POC Relay] FLASH message waiting for DEU-TEC-1")
        #expect(mail.header("Date") == "Wed, 18 Nov 2026 11:06:40 +0000")
        #expect(mail.header("Message-ID") == "<0123456789abcdef0123456789abcdef@D194992B03F9DE27FFF5A10270E4283E.poc-relay.invalid>")
        #expect(mail.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(mail.header("Auto-Submitted") == "auto-generated")
        #expect(try self.email(notice(), from: "Duty <alerts@ministry.example>").header("From") == "Duty <alerts@ministry.example>")
        // The same alert makes the same message on a retry.
        #expect(try email(notice()).data == mail.data)
    }

    @Test("subjects for an escalation, a test and exercise traffic")
    func subjects() throws {
        #expect(
            AlertEmail.subject(notice(reason: .escalation, forPOC: "DEU-DIP-1"))
                == "[POC Relay] ESCALATION: FLASH message for DEU-DIP-1 unreceipted")
        #expect(AlertEmail.subject(notice(reason: .test, urgency: nil)) == "[POC Relay] Test alert")
        let escalation = String(decoding: try email(notice(reason: .escalation, forPOC: "DEU-DIP-1")).data, as: UTF8.self)
        #expect(escalation.contains("has not been receipted within its receipt window"))
        #expect(escalation.contains("waits for DEU-DIP-1") && escalation.contains("`poc inbox` or `poc watch`"))
        #expect(AlertEmail.subject(notice(exercise: true)) == "[POC Relay] EXERCISE - FLASH message waiting for DEU-TEC-1")
        #expect(
            AlertEmail.subject(notice(reason: .escalation, urgency: .immediate, exercise: true))
                == "[POC Relay] EXERCISE - ESCALATION: IMMEDIATE message for DEU-TEC-1 unreceipted")
        let exercise = String(decoding: try email(notice(exercise: true)).data, as: UTF8.self)
        #expect(exercise.contains("\r\n\r\nEXERCISE - "))
        #expect(exercise.contains("Exercise:     yes\r\n"))
    }

    @Test("the body holds the facts, the relay's id and fingerprint, how to read and how to verify; CRLF line ends only")
    func body() throws {
        let text = String(decoding: try email(notice()).data, as: UTF8.self)
        for fact in [
            "Reason:       waiting", "POC alerted:  DEU-TEC-1", "For POC:      DEU-TEC-1", "Urgency:      flash", "Exercise:     no",
            "Waiting:      2 messages", "Accepted at:  2026-11-18T11:06:30Z", "Alert id:     0123456789abcdef0123456789abcdef",
            "At:           2026-11-18T11:06:40Z", "Relay:        D194992B03F9DE27FFF5A10270E4283E", "Fingerprint:  D194 992B 03F9",
            "`poc inbox` or `poc watch`", "carries no content", "X-POC-Relay-Signature, docs/protocol.md section 10",
        ] {
            #expect(text.contains(fact), "missing: \(fact)")
        }
        #expect(text.contains("\r\n\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "a bare LF")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "a bare CR")
        #expect(text.hasSuffix("\r\n"))
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 998 })
    }

    @Test("a line break or control character in any header value is refused, never sent", arguments: ["\r\nBcc: x@y.example", "\n", "\r", "a\u{0}b"])
    func noInjection(_ evil: String) throws {
        #expect(throws: AlertEmail.Refused(header: "To")) {
            try AlertEmail(notice: notice(), to: "duty@cert.example" + evil, from: nil, relayFingerprint: "F", hostname: "h")
        }
        #expect(throws: AlertEmail.Refused(header: "From")) {
            try AlertEmail(notice: notice(), to: "duty@cert.example", from: "Relay <r@x.example>" + evil, relayFingerprint: "F", hostname: "h")
        }
        #expect(throws: AlertEmail.Refused(header: "Subject")) {
            try AlertEmail(notice: notice(forPOC: "DEU-TEC-1" + evil), to: "duty@cert.example", from: nil, relayFingerprint: "F", hostname: "h")
        }
        // A host name is reduced to letters, digits, dots and hyphens.
        let mail = try AlertEmail(notice: notice(), to: "duty@cert.example", from: nil, relayFingerprint: "F", hostname: "evil\r\nBcc: x")
        #expect(mail.header("From") == "POC Relay <poc-relay@evilBccx>")
    }
}
