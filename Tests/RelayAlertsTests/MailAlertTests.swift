import Foundation
import Logging
import RelayAlerts
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

/// A small real program in place of sendmail: it writes its arguments and
/// its standard input to files in `directory`, and exits with `status`
/// after writing `stderr` to its standard error.
func fakeSendmail(in directory: TemporaryDirectory, status: Int = 0, stderr: String = "", sleep: Int = 0) throws -> String {
    let path = directory.file("sendmail-\(status)-\(sleep)")
    let script = """
        #!/bin/sh
        printf '%s\\n' "$@" > '\(directory.file("argv"))'
        cat > '\(directory.file("stdin"))'
        \(sleep > 0 ? "sleep \(sleep)" : "")
        printf '\(stderr)' >&2
        exit \(status)

        """
    try Data(script.utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
}

/// E-mail alerts through a sendmail-compatible program, and test alerts.
@Suite("Mail alert delivery")
struct MailAlertTests {
    @Test("a FLASH message runs `sendmail -i -- ADDRESS` with the alert e-mail on standard input: the facts, no content")
    func sendmailRun() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sendmail = try fakeSendmail(in: directory)
        try await AlertScene.with(configure: { configuration in
            alertConfiguration(&configuration)
            configuration.alerts.sendmailPath = sendmail
            configuration.alerts.fromAddress = "POC Relay <alerts@relay.example>"
        }) { scene in
            try await scene.setChannels(email: "duty@cert.example")
            try await scene.sendFlash(exercise: true)
            let fact = try await scene.channelFact(.email) { $0.lastSentAt != nil || $0.lastFailure != nil }
            #expect(fact.lastSentAt != nil, "\(fact.lastFailure ?? "")")
            let argv = try String(contentsOfFile: directory.file("argv"), encoding: .utf8)
            #expect(argv == "-i\n--\nduty@cert.example\n")
            let message = try String(contentsOfFile: directory.file("stdin"), encoding: .utf8)
            let recipient = scene.recipient.id.rawValue
            #expect(message.hasPrefix("From: POC Relay <alerts@relay.example>\r\nTo: duty@cert.example\r\n"))
            #expect(message.contains("\r\nSubject: [POC Relay] EXERCISE - FLASH message waiting for \(recipient)\r\n"))
            #expect(message.contains("\r\nFingerprint:  \(scene.relay.service.relayFingerprint)\r\n"))
            #expect(message.contains("\r\nRelay:        \(scene.relay.service.relayID)\r\n"))
            #expect(!message.contains("Secret") && !message.contains(scene.sender.id.rawValue))
        }
    }

    @Test("a sendmail that exits 1 is a failure naming the status and its first error line, retried")
    func sendmailFails() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sendmail = try fakeSendmail(in: directory, status: 1, stderr: "msmtp: cannot connect to smtp.example\\nsecond line\\n")
        try await AlertScene.with(configure: { configuration in
            alertConfiguration(&configuration)
            configuration.alerts.sendmailPath = sendmail
        }) { scene in
            try await scene.setChannels(email: "duty@cert.example")
            try await scene.sendFlash()
            let fact = try await scene.channelFact(.email) { $0.lastFailure != nil }
            #expect(fact.lastFailure == "sendmail exit status 1: msmtp: cannot connect to smtp.example")
            #expect(fact.pending == 1 && fact.lastSentAt == nil)
        }
    }

    @Test("a sendmail that hangs is killed after the attempt time; a missing one cannot run")
    func sendmailHangsOrMissing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let hanging = MailDelivery(sendmailPath: try fakeSendmail(in: directory, sleep: 60), timeout: .seconds(1))
        #expect(await hanging.send(Data("x\r\n".utf8), to: "duty@cert.example") == .failed("timed out after 1 s"))
        let missing = MailDelivery(sendmailPath: directory.file("no-such-sendmail"), timeout: .seconds(1))
        #expect(await missing.send(Data("x\r\n".utf8), to: "duty@cert.example") == .failed("cannot run sendmail: No such file or directory"))
        #expect(await MailDelivery(sendmailPath: "sendmail", timeout: .seconds(1)).send(Data(), to: "a@b.example").failure != nil)
    }

    @Test("a test alert goes to every set channel now and answers which took it; no channel set answers both empty")
    func testAlert() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var delivery = AlertDeliveryConfiguration()
        delivery.sendmailPath = try fakeSendmail(in: directory, status: 75, stderr: "queue full")
        delivery.attemptTimeout = .seconds(5)
        try await withReceivers([.status(200)]) { receivers in
            try await AlertScene.with { scene in
                let sender = AlertSender(service: scene.relay.service, configuration: delivery, logger: Logger(label: "test-alerts"))
                let caller = Caller(
                    pocID: scene.recipient.id, state: scene.recipient.state, role: scene.recipient.role,
                    signingKey: scene.recipient.identity.publicKey)
                #expect(try await sender.sendTest(for: caller) == AlertTestResult(sent: [], failed: []))
                try await scene.setChannels(email: "duty@cert.example", webhook: receivers[0].url.absoluteString)
                #expect(try await sender.sendTest(for: caller) == AlertTestResult(sent: [.webhook], failed: [.email]))
                let request = try #require(receivers[0].received.first)
                let notice = try WireJSON.decode(AlertNotice.self, from: request.body)
                #expect(notice.reason == .test && notice.urgency == nil && notice.acceptedAt == nil)
                #expect(
                    AlertSignature.isValid(header: request.header(AlertSignature.header) ?? "", body: request.body, relayKey: try scene.relayKey()))
                let message = try String(contentsOfFile: directory.file("stdin"), encoding: .utf8)
                #expect(message.contains("\r\nSubject: [POC Relay] Test alert\r\n"))
                let facts = try await scene.store.alertChannelFacts(pocID: scene.recipient.id.rawValue)
                #expect(facts.first { $0.channel == .email }?.lastFailure == "sendmail exit status 75: queue full")
                #expect(facts.allSatisfy { $0.pending == 0 }, "a test alert is never retried")
            }
        }
    }
}
