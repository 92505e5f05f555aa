import Foundation
import RelayProtocol
import RelayTestSupport
import Testing

/// `poc alerts test` with a real webhook: a local HTTP receiver (WebhookReceiver).
@Suite("poc alerts test against a local webhook receiver (the built binary)", .timeLimit(.minutes(5)))
struct PocAlertsWebhookTests {
    @Test("a webhook that answers 200 takes the test alert (exit 0); one that answers 500 fails it (exit 69) and poc alerts shows why")
    func testAlert() async throws {
        let receiver = try await WebhookReceiver.start()
        do {
            try await AlertsBinaryHarness.with { h in
                let set = try await h.run("fra", ["alerts", "set", "--webhook", receiver.url.absoluteString])
                try #require(set.status == 0, "\(set)")
                let tested = try await h.run("fra", ["alerts", "test"])
                #expect(tested.status == 0, "\(tested)")
                #expect(tested.standardOutput == "webhook: sent\n", "\(tested)")
                let requests = try await receiver.waitForRequests(count: 1)
                let body = try #require(try JSONSerialization.jsonObject(with: requests[0].body) as? [String: Any])
                #expect(body["reason"] as? String == "test")
                #expect(body["poc_id"] as? String == "FRA-TEC-1")
                let sentAt = try await h.alertsJSON("fra")
                let channel = try #require((sentAt["channels"] as? [[String: Any]])?.first)
                #expect(channel["last_sent_at"] is String, "\(sentAt)")

                receiver.answer(with: .status(500))
                let failing = try await h.run("fra", ["alerts", "test"])
                #expect(failing.status == 69, "\(failing)")
                #expect(failing.standardOutput.hasPrefix("webhook: FAILED ("), "\(failing)")
                #expect(AlertsBinaryHarness.errorLines(failing) == ["poc: error: the test alert did not reach your webhook"], "\(failing)")
                let shown = try await h.run("fra", ["alerts"])
                // The channel's row: LAST FAILURE holds the time and the relay's reason.
                let row = shown.standardOutput.split(separator: "\n").first { $0.hasPrefix("webhook ") && !$0.contains("127.0.0.1") }
                #expect(row?.contains("Z: HTTP 500") == true, "\(shown)")
                let failedAt = try await h.alertsJSON("fra")
                let failed = try #require((failedAt["channels"] as? [[String: Any]])?.first)
                #expect(failed["last_failure_at"] is String, "\(failedAt)")
                #expect((failed["last_failure"] as? String)?.isEmpty == false, "\(failedAt)")
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }
}
