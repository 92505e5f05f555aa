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
/// and to recipients with no alert channel, batch by batch in turn.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "FLASH submit latency, p50 and p99, to recipients with a blackholed webhook and to recipients without channels.",
        discussion: """
            Runs alternate which batch goes first; the table shows the median over runs of each run's p50 and p99, and \
            the ratio of the p99s (the target: within 10%, a ratio at most 1.10).
            """
    )

    @Option(help: "Runs of each batch; the table shows their median.")
    var runs = 5

    @Option(help: "FLASH messages per batch, submitted one at a time.")
    var messages = 300

    @OptionGroup var output: JSONOutput

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard messages >= 10 else { throw ValidationError("--messages must be at least 10.") }
    }

    /// What `--json` writes: milliseconds, medians over runs.
    struct Report: Codable {
        let runs: Int
        let messagesPerBatch: Int
        let blackholedP50Ms: Summary
        let blackholedP99Ms: Summary
        let withoutP50Ms: Summary
        let withoutP99Ms: Summary
        let p99Ratio: Double
        /// Webhook requests the blackhole received during the runs (alerts were being tried).
        let blackholeRequests: Int
        /// Alerts pending in the relay's outbox at the end.
        let alertsPending: Int

        enum CodingKeys: String, CodingKey {
            case runs, messagesPerBatch = "messages_per_batch"
            case blackholedP50Ms = "blackholed_p50_ms", blackholedP99Ms = "blackholed_p99_ms"
            case withoutP50Ms = "without_p50_ms", withoutP99Ms = "without_p99_ms", p99Ratio = "p99_ratio"
            case blackholeRequests = "blackhole_requests", alertsPending = "alerts_pending"
        }

        var table: String {
            """
            FLASH submit latency, ms, median (min-max) over \(runs) runs of \(messagesPerBatch) submits each, one at a time
                                                      p50              p99
              recipients with a blackholed webhook    \(blackholedP50Ms.text(2).padding(toLength: 16, withPad: " ", startingAt: 0)) \(blackholedP99Ms.text(2))
              recipients without alert channels       \(withoutP50Ms.text(2).padding(toLength: 16, withPad: " ", startingAt: 0)) \(withoutP99Ms.text(2))
              p99 ratio, blackholed / without: \(format(p99Ratio, 3)) (target at most 1.10)
              the blackhole received \(blackholeRequests) webhook requests; \(alertsPending) alerts still pending at the end
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
        defer { Task { await blackhole.stop() } }
        let directory = try TemporaryDirectory(prefix: "poc-relay-alerts-bench")
        defer { directory.remove() }
        let logger = Logger(label: "poc-relay") { DiscardingLogHandler(label: $0) }
        let configure: (inout RelayServerConfiguration) -> Void = { configuration in
            raiseLimits(&configuration)
            configuration.service.alertsAllowLoopbackHTTP = true
            configuration.service.alertAfter[.flash] = 0
        }
        return try await LiveRelay.with(dataDirectory: directory.path, logger: logger, configure: configure) { relay in
            let info = relay.service.relayInfo()
            let target = Target(
                baseURL: relay.baseURL, trust: relay.trust, relayID: info.relayID,
                relayKey: try SigningPublicKey(rawRepresentation: info.signingKey.data))
            let clients = Clients(target: target)
            do {
                let report = try await measure(relay: relay, clients: clients, blackhole: blackhole)
                await clients.shutdown()
                return report
            } catch {
                await clients.shutdown()
                throw error
            }
        }
    }

    /// Enrols a sender and four recipients of each kind, sets the blackhole
    /// as the first kind's webhook, then times the batches.
    func measure(relay: LiveRelay, clients: Clients, blackhole: WebhookReceiver) async throws -> Report {
        var invitations = [try await invite(relay, "FRA", .technical)]
        for index in 0..<8 { invitations.append(try await invite(relay, stateCode(100 + index), .technical)) }
        let pocs = try await enrol(invitations, clients: clients, workers: 3)
        let sender = try await clients.activate(pocs[0])
        let blackholed = Array(pocs[1...4]), without = Array(pocs[5...8])
        for poc in blackholed {
            let active = try await clients.activate(poc)
            try await setWebhook(blackhole.url, for: active)
        }
        progress("alerts: 1 sender, 4 recipients with a blackholed webhook, 4 without channels; warming up")
        _ = try await batch(from: sender, to: blackholed, count: messages / 4)
        _ = try await batch(from: sender, to: without, count: messages / 4)

        var withP50: [Double] = [], withP99: [Double] = [], withoutP50: [Double] = [], withoutP99: [Double] = []
        for run in 1...runs {
            let order = run % 2 == 1 ? [true, false] : [false, true]
            for toBlackhole in order {
                let times = try await batch(from: sender, to: toBlackhole ? blackholed : without, count: messages)
                if toBlackhole {
                    withP50.append(percentile(times, 0.5))
                    withP99.append(percentile(times, 0.99))
                } else {
                    withoutP50.append(percentile(times, 0.5))
                    withoutP99.append(percentile(times, 0.99))
                }
            }
            progress("alerts: run \(run) of \(runs); the blackhole has received \(blackhole.received.count) webhook requests")
        }
        let pending = try await relay.service.alertCounts().reduce(0) { $0 + $1.pending }
        let a = Summary(withP99), b = Summary(withoutP99)
        return Report(
            runs: runs, messagesPerBatch: messages, blackholedP50Ms: Summary(withP50), blackholedP99Ms: a,
            withoutP50Ms: Summary(withoutP50), withoutP99Ms: b, p99Ratio: a.median / b.median,
            blackholeRequests: blackhole.received.count, alertsPending: pending)
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
