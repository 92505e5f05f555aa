import Foundation
import Logging
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium

/// What `relay-benchmarks relay` measures, and how long.
struct RelayBenchmarkOptions {
    var runs = 5
    /// Seconds of each throughput run.
    var seconds = 20.0
    /// Seconds of each paced latency run.
    var latencySeconds = 10.0
    /// Requests in flight per submitting POC.
    var concurrency = 4
    /// POCs enrolled at each growth level.
    var growthLevels = [100, 1000, 10_000]
    /// Messages stored before each growth level is measured.
    var preloaded = 100_000
    /// Growth and memory on or off.
    var growth = true
    var memory = true
    /// One scenario alone (the others need minutes), or all of them.
    var only: RelayScenario?

    static let quick = RelayBenchmarkOptions(
        runs: 1, seconds: 3, latencySeconds: 3, concurrency: 4, growthLevels: [100, 1000], preloaded: 10_000)
}

/// Runs every relay scenario and the limits, printing progress to stderr.
struct RelayBenchmark {
    let options: RelayBenchmarkOptions

    func run() async throws -> RelayReport {
        var report = RelayReport()
        report.options = [
            "runs": "\(options.runs)", "seconds": "\(options.seconds)", "latency_seconds": "\(options.latencySeconds)",
            "concurrency": "\(options.concurrency)",
        ]
        if options.only == .memory {
            report.memory = try await MemoryBenchmark(options: options).run()
            return report
        }
        if options.only == .floor {
            report.floor = try await FloorBenchmark(options: options).run()
            return report
        }
        if options.only == .service {
            report.servicePath = try await ServicePathBenchmark(options: options).run()
            return report
        }
        if options.only == .throughput {
            // The growth scenario's measurement with nothing preloaded and the fewest POCs it needs.
            var alone = options
            alone.preloaded = 0
            report.growth = [try await RelayBenchmark(options: alone).growthLevel(pocs: 18)]
            return report
        }
        if options.only == .latency {
            report.latency = try await latencyOnly()
            return report
        }
        progress("limits")
        report.limits = try await LimitsBenchmark(runs: options.runs, secondsPerRun: 1).run()
        try await mainScenarios(into: &report)
        report.servicePath = try await ServicePathBenchmark(options: options).run()
        if options.growth {
            for level in options.growthLevels { report.growth.append(try await growthLevel(pocs: level)) }
        }
        if options.memory {
            report.memory = try await MemoryBenchmark(options: options).run()
            var floor = FloorBenchmark(options: options)
            // Held as long as a relay request takes under the load: requests in flight / throughput.
            if let rate = report.memory?.acceptedPerSecond.median, rate > 0 { floor.holdMilliseconds = Double(floor.connections) * 1000 / rate }
            report.floor = try await floor.run()
        }
        return report
    }

    /// Throughput, latency, fan-out and pings on one relay with 1,000 pingable POCs.
    func mainScenarios(into report: inout RelayReport) async throws {
        let options = options
        let outcome = try await withBenchRelay { relay, clients, target in
            progress("enrolling 1,000 POCs and a custodian")
            var invitations: [Invitation] = []
            for state in 0..<193 {
                for role in [Role.diplomatic, .technical] { invitations.append(try await invite(relay, stateCode(state), role)) }
            }
            for state in 200..<218 { invitations.append(try await invite(relay, stateCode(state), .technical)) }
            while invitations.count < 1000 {
                invitations.append(try await invite(relay, stateCode(300 + invitations.count), invitations.count % 2 == 0 ? .technical : .diplomatic))
            }
            invitations.append(try await invite(relay, "UNO", .custodian))
            let pocs = try await enrol(invitations, clients: clients)
            let fanOutPOCs = Array(pocs[0..<386]), throughputPOCs = Array(pocs[386..<402]), latencyPOCs = Array(pocs[402..<404])
            let custodian = pocs[1000]

            progress("fan-out")
            let sender = try await clients.activate(custodian)
            var recipients: [ActivePOC] = []
            for poc in fanOutPOCs { recipients.append(try await clients.activate(poc)) }
            var fanOut: [FanOutRun] = []
            for _ in 0..<options.runs { fanOut.append(try await runFanOut(sender: sender, recipients: recipients)) }

            progress("latency")
            let a = try await clients.activate(latencyPOCs[0]), b = try await clients.activate(latencyPOCs[1])
            var latency: [LatencyRun] = []
            for _ in 0..<options.runs {
                latency.append(try await runLatency(sender: a, recipient: b, rate: 100, seconds: options.latencySeconds))
            }

            progress("throughput")
            var senders: [(ActivePOC, BenchPOC)] = []
            for (index, poc) in throughputPOCs.enumerated() {
                senders.append((try await clients.activate(poc), throughputPOCs[(index + 1) % throughputPOCs.count]))
            }
            var expected = try await runThroughput(senders: senders, target: target, seconds: 2, concurrency: options.concurrency, expectedRate: 2000)
                .acceptedPerSecond
            var throughput: [ThroughputRun] = []
            for _ in 0..<options.runs {
                let run = try await runThroughput(
                    senders: senders, target: target, seconds: options.seconds, concurrency: options.concurrency, expectedRate: expected)
                expected = run.acceptedPerSecond
                throughput.append(run)
                progress("  \(format(run.acceptedPerSecond)) msgs/s")
            }
            progress("throughput through AsyncHTTPClient (the poc client's stack)")
            var throughAsyncHTTPClient: [ThroughputRun] = []
            for _ in 0..<options.runs {
                let run = try await runThroughput(
                    senders: senders, target: target, client: .asyncHTTPClient, seconds: options.seconds, concurrency: options.concurrency,
                    expectedRate: expected / 2)
                throughAsyncHTTPClient.append(run)
                progress("  \(format(run.acceptedPerSecond)) msgs/s")
            }

            progress("pings")
            let pingable = Array(pocs[0..<1000])
            let apis = try (0..<16).map { _ in try clients.make() }
            let sessions = pingable.enumerated().map { index, poc in
                RelaySession(api: apis[index % apis.count], identity: poc.identity, pocID: poc.id, relayID: target.relayID)
            }
            for session in sessions { _ = try await session.token() }
            var pings: [PingRun] = []
            for _ in 0..<options.runs {
                let service = relay.service
                pings.append(
                    try await runPings(
                        start: { try await service.startCampaign().pinged }, pocs: pingable, target: target, apis: apis, sessions: sessions))
            }
            return (fanOut, latency, throughput, throughAsyncHTTPClient, pings, recipients.count)
        }
        let (fanOut, latency, throughput, throughAsyncHTTPClient, pings, recipients) = outcome
        report.fanOut = .init(
            recipients: recipients, sealMs: Summary(fanOut.map(\.sealMs)), acceptMs: Summary(fanOut.map(\.acceptMs)),
            lastRecipientMs: Summary(fanOut.map(\.lastRecipientMs)))
        report.latency = Self.latencyReport(latency, seconds: options.latencySeconds)
        report.throughput = .init(
            pocsEnrolled: 1001, senders: 16, inFlightPerSender: options.concurrency, seconds: options.seconds,
            acceptedPerSecond: Summary(throughput.map(\.acceptedPerSecond)),
            acceptedPerSecondThroughAsyncHTTPClient: Summary(throughAsyncHTTPClient.map(\.acceptedPerSecond)),
            nonCreatedAnswers: (throughput + throughAsyncHTTPClient).reduce(into: [String: Int]()) { all, run in
                for (status, count) in run.others { all["\(status)", default: 0] += count }
            },
            sealedInline: throughput.map(\.sealedInline).reduce(0, +))
        report.pings = .init(
            pocs: pings.first?.pinged ?? 0, issueMs: Summary(pings.map(\.issueMs)), answersPerSecond: Summary(pings.map(\.answersPerSecond)))
    }

    /// The paced latency alone, between two POCs of a relay of its own.
    func latencyOnly() async throws -> RelayReport.Latency {
        let options = options
        let runs = try await withBenchRelay { relay, clients, target in
            let pocs = try await enrol(
                [try await invite(relay, "AAA", .technical), try await invite(relay, "AAB", .technical)], clients: clients)
            let a = try await clients.activate(pocs[0]), b = try await clients.activate(pocs[1])
            var runs: [LatencyRun] = []
            for _ in 0..<options.runs {
                runs.append(try await runLatency(sender: a, recipient: b, rate: 100, seconds: options.latencySeconds))
                progress("  p50 \(format(percentile(runs.last!.endToEnd, 0.5), 2)) ms, p99 \(format(percentile(runs.last!.endToEnd, 0.99), 2)) ms")
            }
            return runs
        }
        return Self.latencyReport(runs, seconds: options.latencySeconds)
    }

    static func latencyReport(_ latency: [LatencyRun], seconds: Double) -> RelayReport.Latency {
        .init(
            ratePerSecond: 100, seconds: seconds, samplesPerRun: latency.first?.endToEnd.count ?? 0,
            p50Ms: Summary(latency.map { percentile($0.endToEnd, 0.5) }), p99Ms: Summary(latency.map { percentile($0.endToEnd, 0.99) }),
            maxMs: Summary(latency.map { $0.endToEnd.max() ?? .nan }), submitP50Ms: Summary(latency.map { percentile($0.submit, 0.5) }),
            submitP99Ms: Summary(latency.map { percentile($0.submit, 0.99) }))
    }

    /// Throughput and p99 latency with `pocs` POCs enrolled and `options.preloaded` messages stored.
    func growthLevel(pocs count: Int) async throws -> RelayReport.GrowthLevel {
        let options = options
        progress("growth: \(count) POCs")
        let (rates, p99s) = try await withBenchRelay { relay, clients, target in
            var invitations: [Invitation] = []
            for index in 0..<count {
                invitations.append(try await invite(relay, stateCode(index), index < 18 || index % 2 == 0 ? .technical : .diplomatic))
            }
            let pocs = try await enrol(invitations, clients: clients, workers: 16)
            progress("  enrolled; storing \(options.preloaded) messages")
            try await preload(store: relay.service.store, among: Array(pocs[18...]), count: options.preloaded)
            var senders: [(ActivePOC, BenchPOC)] = []
            for index in 0..<16 { senders.append((try await clients.activate(pocs[index]), pocs[(index + 1) % 16])) }
            let a = try await clients.activate(pocs[16]), b = try await clients.activate(pocs[17])
            var expected = try await runThroughput(senders: senders, target: target, seconds: 2, concurrency: options.concurrency, expectedRate: 2000)
                .acceptedPerSecond
            var rates: [Double] = [], p99s: [Double] = []
            for _ in 0..<options.runs {
                let run = try await runThroughput(
                    senders: senders, target: target, seconds: options.seconds, concurrency: options.concurrency, expectedRate: expected)
                expected = run.acceptedPerSecond
                rates.append(run.acceptedPerSecond)
                p99s.append(percentile(try await runLatency(sender: a, recipient: b, rate: 100, seconds: options.latencySeconds).endToEnd, 0.99))
                progress("  \(format(run.acceptedPerSecond)) msgs/s, p99 \(format(p99s.last!, 2)) ms")
            }
            return (rates, p99s)
        }
        return .init(pocs: count, storedMessages: options.preloaded, acceptedPerSecond: Summary(rates), p99Ms: Summary(p99s))
    }
}

/// Runs `body` with an in-process relay over TLS on 127.0.0.1 (a temporary
/// data directory, rate limits raised for the load), clients, and its target.
func withBenchRelay<T: Sendable>(_ body: (LiveRelay, Clients, Target) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory(prefix: "poc-relay-bench")
    defer { directory.remove() }
    let logger = Logger(label: "poc-relay") { DiscardingLogHandler(label: $0) }
    return try await LiveRelay.with(dataDirectory: directory.path, logger: logger, configure: raiseLimits) { relay in
        let info = relay.service.relayInfo()
        let target = Target(
            baseURL: relay.baseURL, trust: relay.trust, relayID: info.relayID,
            relayKey: try SigningPublicKey(rawRepresentation: info.signingKey.data))
        let clients = Clients(target: target)
        do {
            let result = try await body(relay, clients, target)
            await clients.shutdown()
            return result
        } catch {
            await clients.shutdown()
            throw error
        }
    }
}

/// The benchmark enrols thousands of POCs, and opens hundreds of connection
/// pools, from one address: lift the public rate limit and the per-address
/// connection cap.
@Sendable func raiseLimits(_ configuration: inout RelayServerConfiguration) {
    configuration.rateLimits.publicPerSecond = 1_000_000
    configuration.rateLimits.publicBurst = 1_000_000
    configuration.maxConnectionsPerAddress = configuration.maxConnections
}

func invite(_ relay: LiveRelay, _ state: String, _ role: Role) async throws -> Invitation {
    let token = try await relay.service.invite(state: try StateCode(state), role: role).token
    return Invitation(token: token, state: state, role: role)
}

/// Stores `count` envelopes of 2 KiB random ciphertext between random POCs of
/// `pocs`, straight through the store, 1,000 per transaction.
func preload(store: RelayStore, among pocs: [BenchPOC], count: Int) async throws {
    var left = count
    let expires = Date().addingTimeInterval(30 * 86_400)
    while left > 0 {
        let batch = (0..<min(1000, left)).map { _ in
            let from = pocs.randomElement()!, to = pocs.randomElement()!
            return NewEnvelope(
                id: SecureRandom.bytes(count: 16).lowercaseHex, sender: from.id.rawValue, urgency: .routine, exercise: false,
                commitment: SecureRandom.bytes(count: 32), body: SecureRandom.bytes(count: 2048 + 104),
                envelopeHash: SecureRandom.bytes(count: 32), wrappedKeys: [to.id.rawValue: SecureRandom.bytes(count: 80)], expiresAt: expires)
        }
        _ = try await store.submit(batch: batch, now: Date())
        left -= batch.count
    }
}

/// Progress on stderr, so the table and JSON stay clean.
func progress(_ text: String) {
    FileHandle.standardError.write(Data("relay-benchmarks: \(text)\n".utf8))
}
