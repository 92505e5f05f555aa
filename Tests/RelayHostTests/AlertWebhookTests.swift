import Foundation
import RelayClient
import RelayProtocol
import RelayTestSupport
import Sodium
import Testing

/// Section 10's alerts from the real `poc-relay serve` (a child process with
/// a config file, HTTPS with the dev certificates) to real webhook
/// receivers on 127.0.0.1: waiting alerts, escalation, and none for a
/// message already fetched.
@Suite("Alerts: webhooks from the real binary", .timeLimit(.minutes(3)))
struct AlertWebhookTests {
    @Test("a FLASH message alerts the recipient's webhook within a second, signed by the relay, reason waiting, content-free")
    func flashAlertsAtOnce() async throws {
        try await withTemporaryDirectory { directory in
            let host = try await AlertHost.prepare(directory, config: AlertHost.config())
            let receiver = try await WebhookReceiver.start()
            defer { Task { await receiver.stop() } }
            try await host.withServe { server, api in
                let sender = try await host.join("FRA", .technical, api: api)
                let recipient = try await host.join("DEU", .technical, api: api)
                try await recipient.setAlerts(webhook: receiver.url)
                let key = try await relaySigningKey(api)
                let subject = uniqueMarker("subject"), body = uniqueMarker("body")
                let envelope = try sender.seal(to: [recipient], urgency: .flash, subject: subject, body: body)

                let start = ContinuousClock.now
                let (accepted, created) = try await sender.session.submit(envelope)
                #expect(created)
                let requests = try await receiver.waitForRequests(count: 1, timeout: .seconds(30))
                let latency = ContinuousClock.now - start
                print("alerts: FLASH submit to webhook alert: \(seconds(latency))")
                #expect(latency < .seconds(5), "the alert took \(seconds(latency)); stderr:\n\(server.stderr)")

                let notice = try alertNotice(of: requests[0], key: key)
                #expect(notice.reason == .waiting)
                #expect(notice.pocID == recipient.id.rawValue)
                #expect(notice.forPOCID == recipient.id.rawValue)
                #expect(notice.relayID == host.relayID)
                #expect(notice.urgency == .flash)
                #expect(notice.exercise == false)
                #expect(notice.waiting == 1)
                #expect(notice.acceptedAt == accepted.acceptedAt)
                #expect(notice.alertID.wholeMatch(of: /[0-9a-f]{32}/) != nil, "alert_id \(notice.alertID)")
                #expect(requests[0].body == notice.body, "the body is not section 10's fixed field order")
                let text = String(decoding: requests[0].body, as: UTF8.self)
                for marker in [subject, body, sender.id.rawValue, envelope.id.rawValue] {
                    #expect(!text.contains(marker), "the alert names \(marker): \(text)")
                }
                // A key other than the relay's does not verify it.
                #expect(
                    !AlertSignature.isValid(
                        header: requests[0].header(AlertSignature.header) ?? "", body: requests[0].body, relayKey: sender.poc.identity.publicKey))
            }
        }
    }

    @Test("unreceipted past its window, a FLASH escalates to the state's other POC once; the audit counts it")
    func escalatesOnce() async throws {
        try await withTemporaryDirectory { directory in
            let config = AlertHost.config(["receipt_window_seconds": ["flash": 3] as [String: any Sendable]])
            let host = try await AlertHost.prepare(directory, config: config)
            let technicalHook = try await WebhookReceiver.start(), diplomaticHook = try await WebhookReceiver.start()
            defer {
                Task {
                    await technicalHook.stop()
                    await diplomaticHook.stop()
                }
            }
            try await host.withServe { server, api in
                let sender = try await host.join("FRA", .technical, api: api)
                let technical = try await host.join("DEU", .technical, api: api)
                let diplomatic = try await host.join("DEU", .diplomatic, api: api)
                let custodian = try await host.join("UNO", .custodian, api: api)
                try await technical.setAlerts(webhook: technicalHook.url)
                try await diplomatic.setAlerts(webhook: diplomaticHook.url)
                let key = try await relaySigningKey(api)

                let envelope = try sender.seal(to: [technical], urgency: .flash, subject: "escalate", body: "unanswered")
                let (accepted, _) = try await sender.session.submit(envelope)
                let start = ContinuousClock.now
                let waiting = try await technicalHook.waitForRequests(count: 1, timeout: .seconds(30))
                let escalation = try await diplomaticHook.waitForRequests(count: 1, timeout: .seconds(60))
                print("alerts: FLASH escalation after a 3 s window came \(seconds(ContinuousClock.now - start)) after the waiting alert")

                let first = try alertNotice(of: waiting[0], key: key)
                #expect(first.reason == .waiting)
                #expect(first.pocID == technical.id.rawValue)
                let notice = try alertNotice(of: escalation[0], key: key)
                #expect(notice.reason == .escalation)
                #expect(notice.pocID == diplomatic.id.rawValue)
                #expect(notice.forPOCID == technical.id.rawValue)
                #expect(notice.urgency == .flash)
                #expect(notice.acceptedAt == accepted.acceptedAt)
                #expect(notice.alertID != first.alertID)

                // Once each: nothing more comes (the sender looks every second).
                try await Task.sleep(for: .seconds(5))
                #expect(technicalHook.received.count == 1, "the recipient was alerted \(technicalHook.received.count) times")
                #expect(diplomaticHook.received.count == 1, "the other POC was alerted \(diplomaticHook.received.count) times")

                // The custodian's audit: one escalated FLASH delivery, one waiting and one escalation alert sent.
                let audit = try await custodian.session.auditDelivery()
                let row = try #require(audit.byUrgency.first { $0.urgency == .flash && !$0.exercise }, "\(audit)")
                #expect(row.escalated == 1, "\(row)")
                let sent = Dictionary(audit.alerts.map { ("\($0.reason.rawValue)/\($0.channel.rawValue)", $0) }) { a, _ in a }
                #expect(sent["waiting/webhook"]?.sent == 1, "\(audit.alerts)")
                #expect(sent["escalation/webhook"]?.sent == 1, "\(audit.alerts)")
                #expect(audit.alerts.allSatisfy { $0.failed == 0 }, "\(audit.alerts); stderr:\n\(server.stderr)")
            }
        }
    }

    @Test("a message fetched before its alert_after does not alert; one left unfetched does")
    func fetchedDoesNotAlert() async throws {
        try await withTemporaryDirectory { directory in
            let config = AlertHost.config(["alert_after_seconds": ["immediate": 6] as [String: any Sendable]])
            let host = try await AlertHost.prepare(directory, config: config)
            let fetcherHook = try await WebhookReceiver.start(), idleHook = try await WebhookReceiver.start()
            defer {
                Task {
                    await fetcherHook.stop()
                    await idleHook.stop()
                }
            }
            try await host.withServe { _, api in
                let sender = try await host.join("FRA", .technical, api: api)
                let fetcher = try await host.join("DEU", .technical, api: api)
                let idle = try await host.join("BRA", .technical, api: api)
                try await fetcher.setAlerts(webhook: fetcherHook.url)
                try await idle.setAlerts(webhook: idleHook.url)

                let envelope = try sender.seal(to: [fetcher, idle], urgency: .immediate, subject: "read me", body: "now")
                let start = ContinuousClock.now
                _ = try await sender.session.submit(envelope)
                let inbox = try await fetcher.session.inbox(wait: 0, limit: 10).messages
                #expect(inbox.map(\.id) == [envelope.id])
                let fetched = ContinuousClock.now - start
                try #require(fetched < .seconds(5), "the fetch took \(seconds(fetched)), too close to alert_after to tell")

                // The recipient that did not fetch is alerted after 6 s: alerting works here.
                let alerts = try await idleHook.waitForRequests(count: 1, timeout: .seconds(30))
                #expect(try WireJSON.decode(AlertNotice.self, from: alerts[0].body).reason == .waiting)
                let elapsed = ContinuousClock.now - start
                if elapsed < .seconds(9) { try await Task.sleep(for: .seconds(9) - elapsed) }
                #expect(
                    fetcherHook.received.isEmpty,
                    "a fetched message alerted: \(fetcherHook.received.map { String(decoding: $0.body, as: UTF8.self) })")
                #expect(idleHook.received.count == 1)
            }
        }
    }

    @Test("PUT /v1/alerts/me refuses bad channels with problem+json naming the field, and stores nothing")
    func putValidation() async throws {
        try await withTemporaryDirectory { directory in
            let host = try await AlertHost.prepare(directory, config: AlertHost.config())
            try await host.withServe { _, api in
                let poc = try await host.join("DEU", .technical, api: api)
                let long = String(repeating: "a", count: 255 - "@x.example".count) + "@x.example"
                let cases: [(body: String, status: Int, field: String)] = [
                    (#"{"email":null,"webhook":"ftp://hooks.example/alert","urgencies":["flash"]}"#, 422, "webhook"),
                    (#"{"email":null,"webhook":null,"urgencies":[]}"#, 422, "urgencies"),
                    (#"{"email":null,"webhook":null,"urgencies":["flash","urgent"]}"#, 422, "urgencies"),
                    (#"{"email":"duty.deu.example","webhook":null,"urgencies":["flash"]}"#, 422, "email"),
                    (#"{"email":"\#(long)","webhook":null,"urgencies":["flash"]}"#, 422, "email"),
                    (#"{"email":null,"webhook":"http://10.0.0.1/hook","urgencies":["flash"]}"#, 422, "webhook"),
                    (#"{"email":42,"webhook":null,"urgencies":["flash"]}"#, 400, "email"),
                    (#"{"email":null,"webhook":null,"urgencies":["flash"],"sms":"+33100000000"}"#, 400, "sms"),
                ]
                #expect(long.count == 255)
                for item in cases {
                    let response = try await poc.putAlerts(item.body)
                    #expect(response.status == item.status, "\(item.body) -> \(response.status) \(response.text)")
                    guard response.status >= 400 else { continue }
                    let problem = try response.problem()
                    #expect(problem.detail.contains(item.field), "\(item.body): the problem does not name \(item.field): \(problem)")
                }

                // Nothing was stored: the defaults remain; a good value is then accepted as given.
                let token = try await poc.session.token()
                let stored = try await api.http.send(
                    method: "GET", path: "/v1/alerts/me", body: nil, headers: [("Authorization", "Bearer \(token)")], timeout: .seconds(30))
                #expect(stored.status == 200, "\(stored.text)")
                #expect(try stored.decode(AlertSettings.self) == AlertSettings.defaults, "\(stored.text)")
                let good = try await poc.putAlerts(#"{"email":"duty@deu.example","webhook":null,"urgencies":["immediate","flash"]}"#)
                #expect(good.status == 200, "\(good.text)")
                #expect(
                    try good.decode(AlertSettings.self) == AlertSettings(email: "duty@deu.example", webhook: nil, urgencies: [.flash, .immediate]))
            }
        }
    }
}
