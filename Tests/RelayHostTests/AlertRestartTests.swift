import Foundation
import ProcessLaunch
import RelayClient
import RelayProtocol
import RelayTestSupport
import Sodium
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The alert outbox across a crash: the real `poc-relay serve` killed with
/// SIGKILL before an alert fell due, restarted while the webhook is down.
@Suite("Alerts: across a SIGKILL", .timeLimit(.minutes(3)))
struct AlertRestartTests {
    @Test("a relay killed before an alert was due sends it after restart, once, to a receiver that comes up later; a retry keeps its alert_id")
    func alertSurvivesKill() async throws {
        try await withTemporaryDirectory { directory in
            let config = AlertHost.config(["alert_after_seconds": ["immediate": 4] as [String: any Sendable]])
            let host = try await AlertHost.prepare(directory, config: config)
            // A first receiver only to own a port, given as the webhook, then closed. The port is
            // below Linux's ephemeral range, so that no client connection of a busy test process
            // takes it as its local port meanwhile.
            let placeholder = try await Self.receiver(onAnyOf: 20_000..<32_000)
            let port = placeholder.port

            let (killed, url) = try await host.serve()
            let before: (recipient: AlertPOC, acceptedAt: Timestamp)
            do {
                before = try await withClient(baseURL: url, trust: try host.trust) { api in
                    let sender = try await host.join("FRA", .technical, api: api)
                    let recipient = try await host.join("DEU", .technical, api: api)
                    try await recipient.setAlerts(webhook: placeholder.url)
                    await placeholder.stop()
                    let envelope = try sender.seal(to: [recipient], urgency: .immediate, subject: "due in 4 s", body: "after the crash")
                    let (accepted, _) = try await sender.session.submit(envelope)
                    try await Task.sleep(for: .seconds(1))
                    killed.send(SIGKILL)
                    return (recipient, accepted.acceptedAt)
                }
            } catch {
                await killed.kill9()
                throw error
            }
            let (recipient, acceptedAt) = before
            #expect(try await killed.waitForExit(timeout: .seconds(10)) == 128 + SIGKILL)
            #expect(placeholder.received.isEmpty, "an alert went out before the kill")

            // Restarted with the receiver down; it comes up 3 s later, first failing, then answering.
            try await host.withServe { server, api in
                let key = try await relaySigningKey(api)
                try await Task.sleep(for: .seconds(3))
                let receiver = try await Self.receiver(onAnyOf: port..<(port + 1), answer: .status(503))
                defer { Task { await receiver.stop() } }
                let first = try await receiver.waitForRequests(count: 1, timeout: .seconds(60))
                receiver.answer(with: .status(200))
                let both = try await receiver.waitForRequests(count: 2, timeout: .seconds(60))
                #expect(first.count == 1)

                let notices = try both.prefix(2).map { try alertNotice(of: $0, key: key) }
                #expect(notices.allSatisfy { $0.reason == .waiting && $0.pocID == recipient.id.rawValue })
                #expect(notices[0].acceptedAt == acceptedAt)
                #expect(notices[0].urgency == .immediate)
                #expect(notices[0].alertID == notices[1].alertID, "a retry changed the alert_id")
                #expect(both[0].body == both[1].body, "a retry changed the body")

                // Delivered once: nothing more comes after the 2xx.
                try await Task.sleep(for: .seconds(5))
                #expect(receiver.received.count == 2, "\(receiver.received.count) requests; stderr:\n\(server.stderr)")
            }
        }
    }

    /// A receiver on a port of `ports`, tried at random for a few seconds.
    static func receiver(onAnyOf ports: Range<Int>, answer: WebhookReceiver.Answer = .status(200)) async throws -> WebhookReceiver {
        var failure: (any Error)?
        for _ in 0..<40 {
            do { return try await WebhookReceiver.start(answer: answer, port: Int.random(in: ports)) } catch {
                failure = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        if let ss = try? await ChildProcess.run(executable: "/usr/bin/ss", arguments: ["-tanpe"], environment: [:]) {
            let lines = String(decoding: ss.standardOutput, as: UTF8.self).split(separator: "\n")
            let holders = lines.filter { line in ports.contains { line.contains(":\($0) ") } }.joined(separator: "\n")
            Issue.record("port \(ports) busy:\n\(holders)")
        }
        throw failure ?? CancellationError()
    }
}
