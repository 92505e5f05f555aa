import ArgumentParser
import Foundation
import Logging
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium

/// `relay-benchmarks alerts`: whether a dead webhook slows a submission
/// (issue 14: it must not). FLASH messages, each alerting at once, are
/// submitted one at a time over HTTPS to a real relay on 127.0.0.1: to
/// recipients whose webhook is a blackhole (a listener that reads the
/// request and never answers, so each attempt runs into the 10 s timeout),
/// to recipients whose webhook answers at once, and to recipients with no
/// alert channel, batch by batch in turn.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "FLASH submit latency, p50 and p99, to recipients with a blackholed webhook, a live one, and none.",
        discussion: """
            The kinds' order rotates run by run; the table shows the median over runs of each run's p50 and p99, and \
            the ratio of the p99s, blackholed over none (the target: within 10%, a ratio at most 1.10).
            """
    )

    @Option(help: "Runs of each batch; the table shows their median.")
    var runs = 5

    @Option(help: "FLASH messages per batch, submitted one at a time.")
    var messages = 300

    @Option(
        help: ArgumentHelp(
            "FLASH's alert_after in seconds. A long one writes the checks but leaves nothing due while it runs: the cost of the outbox alone.",
            valueName: "seconds"))
    var alertAfter: Int64 = 0

    @OptionGroup var output: JSONOutput

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard messages >= 10 else { throw ValidationError("--messages must be at least 10.") }
        guard alertAfter >= 0 else { throw ValidationError("--alert-after must be 0 or more.") }
    }

    /// One kind of recipient's figures, in milliseconds: the median over runs of each run's p50 and p99.
    struct Kind: Codable {
        let p50Ms: Summary
        let p99Ms: Summary
        enum CodingKeys: String, CodingKey { case p50Ms = "p50_ms", p99Ms = "p99_ms" }
    }

    /// What `--json` writes.
    struct Report: Codable {
        let runs: Int
        let messagesPerBatch: Int
        /// FLASH's alert_after, seconds.
        let alertAfterSeconds: Int64
        /// Recipients whose webhook never answers.
        let blackholed: Kind
        /// Recipients whose webhook answers 200 at once.
        let healthy: Kind
        /// Recipients without alert channels.
        let without: Kind
        /// p99 blackholed / p99 without: the target is at most 1.10.
        let p99Ratio: Double
        /// p99 blackholed / p99 healthy: what a dead webhook costs over a live one.
        let p99RatioToHealthy: Double
        /// Webhook requests the blackhole received during the runs (alerts were being tried).
        let blackholeRequests: Int
        /// Webhook requests the live webhook received (and answered) during the runs.
        let healthyRequests: Int
        /// Alerts pending in the relay's outbox at the end.
        let alertsPending: Int

        enum CodingKeys: String, CodingKey {
            case runs, messagesPerBatch = "messages_per_batch", alertAfterSeconds = "alert_after_seconds", blackholed, healthy, without
            case p99Ratio = "p99_ratio", p99RatioToHealthy = "p99_ratio_to_healthy"
            case blackholeRequests = "blackhole_requests", healthyRequests = "healthy_requests", alertsPending = "alerts_pending"
        }

        var table: String {
            func row(_ name: String, _ kind: Kind) -> String {
                "  " + name.padding(toLength: 40, withPad: " ", startingAt: 0) + kind.p50Ms.text(2).padding(toLength: 20, withPad: " ", startingAt: 0)
                    + kind.p99Ms.text(2)
            }
            return """
                FLASH submit latency, ms, median (min-max) over \(runs) runs of \(messagesPerBatch) submits each, one at a time, FLASH alert_after \(alertAfterSeconds) s
                                                          p50                 p99
                \(row("recipients with a blackholed webhook", blackholed))
                \(row("recipients with a webhook answering 200", healthy))
                \(row("recipients without alert channels", without))
                  p99 ratio, blackholed / without: \(format(p99Ratio, 3)) (target at most 1.10); blackholed / healthy: \(format(p99RatioToHealthy, 3))
                  the blackhole received \(blackholeRequests) webhook requests, the live webhook \(healthyRequests); \(alertsPending) alerts still pending at the end
                """
        }
    }

    func run() async throws {
        let report = try await measure()
        print(report.table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try output.write(try encoder.encode(report))
    }

    func measure() async throws -> Report {
        let blackhole = try await WebhookReceiver.start(answer: .blackhole)
        let healthy = try await WebhookReceiver.start(answer: .status(200))
        defer {
            Task {
                await blackhole.stop()
                await healthy.stop()
            }
        }
        let directory = try TemporaryDirectory(prefix: "poc-relay-alerts-bench")
        defer { directory.remove() }
        let logger = Logger(label: "poc-relay") { DiscardingLogHandler(label: $0) }
        let configure: (inout RelayServerConfiguration) -> Void = { configuration in
            raiseLimits(&configuration)
            configuration.service.alertsAllowLoopbackHTTP = true
            configuration.service.alertAfter[.flash] = alertAfter
        }
        return try await LiveRelay.with(dataDirectory: directory.path, logger: logger, configure: configure) { relay in
            let info = relay.service.relayInfo()
            let target = Target(
                baseURL: relay.baseURL, trust: relay.trust, relayID: info.relayID,
                relayKey: try SigningPublicKey(rawRepresentation: info.signingKey.data))
            let clients = Clients(target: target)
            do {
                let report = try await measure(relay: relay, clients: clients, blackhole: blackhole, healthy: healthy)
                await clients.shutdown()
                return report
            } catch {
                await clients.shutdown()
                throw error
            }
        }
    }

    /// Enrols a sender and four recipients of each kind, sets the webhooks,
    /// then times the batches, the kinds' order rotating run by run.
    func measure(relay: LiveRelay, clients: Clients, blackhole: WebhookReceiver, healthy: WebhookReceiver) async throws -> Report {
        var invitations = [try await invite(relay, "FRA", .technical)]
        for index in 0..<12 { invitations.append(try await invite(relay, stateCode(100 + index), .technical)) }
        let pocs = try await enrol(invitations, clients: clients, workers: 3)
        let sender = try await clients.activate(pocs[0])
        let kinds = [Array(pocs[1...4]), Array(pocs[5...8]), Array(pocs[9...12])]
        for (poc, url) in kinds[0].map({ ($0, blackhole.url) }) + kinds[1].map({ ($0, healthy.url) }) {
            try await setWebhook(url, for: try await clients.activate(poc))
        }
        progress("alerts: 1 sender; 4 recipients each with a blackholed webhook, a webhook answering 200, no channels; warming up")
        for recipients in kinds { _ = try await batch(from: sender, to: recipients, count: messages / 4) }

        var p50: [[Double]] = [[], [], []], p99: [[Double]] = [[], [], []]
        for run in 1...runs {
            for step in 0..<kinds.count {
                let kind = (run + step) % kinds.count
                let times = try await batch(from: sender, to: kinds[kind], count: messages)
                p50[kind].append(percentile(times, 0.5))
                p99[kind].append(percentile(times, 0.99))
            }
            progress("alerts: run \(run) of \(runs); the blackhole has received \(blackhole.received.count) webhook requests")
        }
        let pending = try await relay.service.alertCounts().reduce(0) { $0 + $1.pending }
        let figures = (0..<kinds.count).map { Kind(p50Ms: Summary(p50[$0]), p99Ms: Summary(p99[$0])) }
        return Report(
            runs: runs, messagesPerBatch: messages, alertAfterSeconds: alertAfter, blackholed: figures[0], healthy: figures[1], without: figures[2],
            p99Ratio: figures[0].p99Ms.median / figures[2].p99Ms.median,
            p99RatioToHealthy: figures[0].p99Ms.median / figures[1].p99Ms.median, blackholeRequests: blackhole.received.count,
            healthyRequests: healthy.received.count,
            alertsPending: pending)
    }

    /// Submits `count` FLASH messages one at a time, each to one of
    /// `recipients` in turn; the milliseconds each submission took.
    func batch(from sender: ActivePOC, to recipients: [BenchPOC], count: Int) async throws -> [Double] {
        var envelopes: [Envelope] = []
        for index in 0..<count {
            envelopes += try sealMessages(from: sender.poc, to: [recipients[index % recipients.count]], count: 1, urgency: .flash)
        }
        let clock = ContinuousClock()
        var times: [Double] = []
        times.reserveCapacity(count)
        for envelope in envelopes {
            let start = clock.now
            _ = try await sender.session.submit(envelope)
            times.append((clock.now - start).milliseconds)
        }
        return times
    }

    /// `PUT /v1/alerts/me` with `url` as the webhook, FLASH and IMMEDIATE.
    func setWebhook(_ url: URL, for poc: ActivePOC) async throws {
        let token = try await poc.session.token()
        let body = try WireJSON.encode(AlertSettings(email: nil, webhook: url.absoluteString, urgencies: [.flash, .immediate]))
        let response = try await poc.api.http.send(
            method: "PUT", path: "/v1/alerts/me", body: body,
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")], timeout: .seconds(30))
        guard response.status == 200 else {
            throw BenchmarkError("PUT /v1/alerts/me answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
    }
}
