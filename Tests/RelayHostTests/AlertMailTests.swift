import Foundation
import RelayClient
import RelayProtocol
import RelayTestSupport
import Sodium
import Testing

/// Alert e-mail down the real path: the real `poc-relay serve` runs its
/// `"sendmail"` program, Debian's msmtp, which delivers over SMTP to a real
/// server on 127.0.0.1 (aiosmtpd) started here. Without msmtp and aiosmtpd the
/// test is skipped, unless `POC_REQUIRE_MAIL_TESTS=1` (CI) makes it fail.
@Suite("Alerts: e-mail through msmtp", .timeLimit(.minutes(3)))
struct AlertMailTests {
    @Test(
        "alert e-mail reaches a local SMTP server through msmtp: To, Subject (EXERCISE for exercise traffic), the fingerprint, no content",
        .enabled(if: MailTools.shouldRun, "msmtp or aiosmtpd missing: run scripts/install-deps (POC_REQUIRE_MAIL_TESTS=1 fails instead)"))
    func emailThroughMsmtp() async throws {
        let tools = try MailTools.find()
        try await withTemporaryDirectory { directory in
            let smtp = try await SMTPServer.start(tools: tools, maildir: directory.file("maildir"))
            defer { Task { await smtp.stop() } }
            let sendmail = try smtp.sendmailWrapper(in: directory.path, envelopeFrom: "alerts@relay.example")
            let host = try await AlertHost.prepare(directory, config: AlertHost.config(["sendmail": sendmail]))
            try await host.withServe { server, api in
                let sender = try await host.join("FRA", .technical, api: api)
                let drill = try await host.join("DEU", .technical, api: api)
                let real = try await host.join("BRA", .technical, api: api)
                try await drill.setAlerts(email: "duty@deu.example")
                try await real.setAlerts(email: "duty@bra.example")
                let markers = (1...4).map { _ in uniqueMarker("content") }
                let exercise = try sender.seal(to: [drill], urgency: .flash, exercise: true, subject: markers[0], body: markers[1])
                let crisis = try sender.seal(to: [real], urgency: .flash, subject: markers[2], body: markers[3])
                _ = try await sender.session.submit(exercise)
                _ = try await sender.session.submit(crisis)

                let messages: [MailMessage]
                do { messages = try await smtp.waitForMessages(count: 2, timeout: .seconds(60)) } catch {
                    Issue.record("\(error); relay stderr:\n\(server.stderr)\nSMTP server stderr:\n\(smtp.standardError)")
                    throw error
                }
                #expect(messages.count == 2)
                let byRecipient = Dictionary(messages.map { ($0.envelopeRecipients ?? "", $0) }) { a, _ in a }
                let drillMail = try #require(byRecipient["duty@deu.example"], "\(messages.map(\.raw))")
                let realMail = try #require(byRecipient["duty@bra.example"], "\(messages.map(\.raw))")
                let fingerprint = Fingerprint(of: try await relaySigningKey(api))

                for (mail, poc, isExercise) in [(drillMail, drill, true), (realMail, real, false)] {
                    let to = mail.header("To") ?? ""
                    let subject = mail.header("Subject") ?? ""
                    #expect(to.contains(isExercise ? "duty@deu.example" : "duty@bra.example"), "To: \(to)")
                    #expect(mail.header("From")?.contains("alerts@relay.example") == true, "From: \(mail.header("From") ?? "none")")
                    #expect(subject.contains("EXERCISE") == isExercise, "Subject: \(subject)")
                    #expect(subject.localizedCaseInsensitiveContains("flash"), "Subject: \(subject)")
                    #expect(
                        mail.body.contains(fingerprint.grouped) || mail.body.contains(fingerprint.compact),
                        "the relay's fingerprint is not in the body:\n\(mail.body)")
                    #expect(mail.body.contains(poc.id.rawValue), "the alerted POC is not named:\n\(mail.body)")
                    for marker in markers {
                        for form in leakForms(ofText: marker) {
                            #expect(!mail.raw.contains(String(decoding: form.bytes, as: UTF8.self)), "the e-mail holds content (\(form.name))")
                        }
                    }
                    #expect(!mail.raw.contains(sender.id.rawValue), "the e-mail names the sender:\n\(mail.raw)")
                }
            }
        }
    }
}
