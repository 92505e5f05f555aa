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
    /// `memory`: only the memory scenario (the others need minutes).
    var only: String?

    static let quick = RelayBenchmarkOptions(
        runs: 1, seconds: 3, latencySeconds: 3, concurrency: 4, growthLevels: [100, 1000], preloaded: 10_000)
}

/// The whole report of `relay-benchmarks relay`.
struct RelayReport: Codable {
    struct Throughput: Codable {
        let pocsEnrolled: Int
        let senders: Int
        let inFlightPerSender: Int
        let seconds: Double
        /// Sent by ``LoadGenerator``: the relay's own capacity.
        let acceptedPerSecond: Summary
        /// Sent through AsyncHTTPClient, as `poc` sends: that client's CPU shares the two cores.
        let acceptedPerSecondThroughAsyncHTTPClient: Summary
        let nonCreatedAnswers: [String: Int]
        let sealedInline: Int
    }
    struct Latency: Codable {
        let ratePerSecond: Double
        let seconds: Double
        let samplesPerRun: Int
        let p50Ms: Summary
        let p99Ms: Summary
        let maxMs: Summary
        /// Of it: submit to the sender's 201.
        let submitP50Ms: Summary
        let submitP99Ms: Summary
    }
    struct FanOut: Codable {
        let recipients: Int
        let sealMs: Summary
        let acceptMs: Summary
        let lastRecipientMs: Summary
    }
    struct Pings: Codable {
        let pocs: Int
        let issueMs: Summary
        let answersPerSecond: Summary
    }
    struct GrowthLevel: Codable {
        let pocs: Int
        let storedMessages: Int
        let acceptedPerSecond: Summary
        let p99Ms: Summary
    }
    struct Memory: Codable {
        let pocs: Int
        let idleRSSMiB: Double
        let idlePeakMiB: Double
        let underLoadPeakRSSMiB: Summary
        /// Of the RSS: private memory idle and its peak under load, and mapped code and data files idle.
        let idleAnonymousMiB: Double
        let idleFileMiB: Double
        let underLoadPeakAnonymousMiB: Summary
        let processPeakMiB: Double
        let acceptedPerSecond: Summary
        /// The relay process's user and system CPU time per accepted message under the load.
        let relayCPUMicrosecondsPerMessage: Summary
        /// The load generator's (this process's) CPU time per accepted message meanwhile.
        let loadGeneratorCPUMicrosecondsPerMessage: Summary
        /// Disk-synced commits of submitted envelopes per second under the load
        /// (the relay's `relay_submit_commits_total`), and envelopes per commit.
        let submitCommitsPerSecond: Summary
        let envelopesPerCommit: Summary
        let note: String?
    }

    /// The transport floor (``FloorBenchmark``).
    struct Floor: Codable {
        let connections: Int
        let seconds: Double
        let answeredPerSecond: Summary
        let serverCPUMicrosecondsPerMessage: Summary
        let loadGeneratorCPUMicrosecondsPerMessage: Summary
    }

    var options: [String: String] = [:]
    var limits: LimitsBenchmark.Report?
    var floor: Floor?
    var throughput: Throughput?
    var latency: Latency?
    var fanOut: FanOut?
    var pings: Pings?
    var growth: [GrowthLevel] = []
    var memory: Memory?

    var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    var table: String {
        var lines = ["relay: real relay over TLS on 127.0.0.1, durable (synchronous = FULL); medians (min-max) of runs"]
        let commits = limits?.sqliteCommitsPerSecond.median, rows = limits?.sqliteBatchedRowsPerSecond.median
        func ofLimit(_ value: Double, _ limit: Double?, _ name: String) -> String {
            guard let limit, limit > 0 else { return "" }
            return String(format: "  = %.2f x %@", value / limit, name)
        }
        if let t = throughput {
            lines.append(
                "  throughput        \(t.acceptedPerSecond.text) msgs/s accepted (\(t.senders) POCs x \(t.inFlightPerSender) in flight, "
                    + "2 KiB, \(format(t.seconds)) s, \(t.pocsEnrolled) POCs enrolled; lean HTTP/1.1 load generator)")
            lines.append(
                "                    \(t.acceptedPerSecondThroughAsyncHTTPClient.text) msgs/s when sent through AsyncHTTPClient "
                    + "(the poc client's stack, on the same cores)")
            lines.append(
                "                   " + ofLimit(t.acceptedPerSecond.median, rows, "sqlite batched rows/s")
                    + ofLimit(t.acceptedPerSecond.median, commits, "sqlite 1-row commits/s"))
            if !t.nonCreatedAnswers.isEmpty { lines.append("                    answers other than 201: \(t.nonCreatedAnswers)") }
        }
        if let l = latency {
            lines.append(
                "  latency @\(format(l.ratePerSecond))/s    p50 \(l.p50Ms.text(2)) ms, p99 \(l.p99Ms.text(2)) ms, max \(l.maxMs.text(1)) ms "
                    + "(submit to opened by a long-polling recipient, \(l.samplesPerRun) per run)")
            lines.append("                    of which submit to 201: p50 \(l.submitP50Ms.text(2)) ms, p99 \(l.submitP99Ms.text(2)) ms")
            if let commits { lines.append(String(format: "                      one 1-row FULL commit takes %.2f ms", 1000 / commits)) }
        }
        if let f = fanOut {
            lines.append(
                "  fan-out to \(f.recipients)    seal \(f.sealMs.text(1)) ms, accepted \(f.acceptMs.text(1)) ms, "
                    + "last recipient \(f.lastRecipientMs.text(1)) ms (from the start of sealing)")
            if let seals = limits?.sealsPerSecond.median {
                lines.append(
                    String(format: "                      %d crypto_box_seal alone take %.1f ms", f.recipients, Double(f.recipients) * 1000 / seals))
            }
        }
        if let p = pings {
            lines.append(
                "  pings             \(p.pocs) POCs: campaign issued in \(p.issueMs.text(1)) ms, \(p.answersPerSecond.text) answers/s over HTTPS")
        }
        for g in growth {
            lines.append(
                "  growth \(String(g.pocs).padding(toLength: 6, withPad: " ", startingAt: 0)) POCs, \(g.storedMessages) stored: "
                    + "\(g.acceptedPerSecond.text) msgs/s, p99 \(g.p99Ms.text(2)) ms")
        }
        if let first = growth.first, let last = growth.last, growth.count > 1 {
            lines.append(
                String(
                    format: "                      throughput at %d POCs = %.2f x at %d POCs", last.pocs,
                    last.acceptedPerSecond.median / first.acceptedPerSecond.median, first.pocs))
        }
        if let m = memory {
            lines.append(
                "  memory (poc-relay serve child, \(m.pocs) POCs)  idle RSS \(format(m.idleRSSMiB, 1)) MiB; under load peak RSS "
                    + "\(m.underLoadPeakRSSMiB.text(1)) MiB, VmHWM \(format(m.processPeakMiB, 1)) MiB; "
                    + "child throughput \(m.acceptedPerSecond.text) msgs/s")
            lines.append(
                "                      of which private (RssAnon): idle \(format(m.idleAnonymousMiB, 1)) MiB, peak under load "
                    + "\(m.underLoadPeakAnonymousMiB.text(1)) MiB; binary and shared libraries (RssFile) idle \(format(m.idleFileMiB, 1)) MiB")
            lines.append(
                "                      relay process CPU (user + system) per accepted message \(m.relayCPUMicrosecondsPerMessage.text(0)) µs, "
                    + "load generator \(m.loadGeneratorCPUMicrosecondsPerMessage.text(0)) µs")
            lines.append(
                "                      group commit: \(m.submitCommitsPerSecond.text(0)) disk-synced commits/s, "
                    + "\(m.envelopesPerCommit.text(1)) envelopes per commit")
            if let note = m.note { lines.append("                      \(note)") }
        }
        if let f = floor {
            lines.append(
                "  transport floor   \(f.answeredPerSecond.text) msgs/s answered 201 by a bare Hummingbird HTTPS server (child process, "
                    + "\(f.connections) connections, same envelopes, no auth, JSON, crypto or storage)")
            lines.append(
                "                      server CPU \(f.serverCPUMicrosecondsPerMessage.text(0)) µs/msg, load generator "
                    + "\(f.loadGeneratorCPUMicrosecondsPerMessage.text(0)) µs/msg")
            if let m = memory {
                lines.append(
                    String(
                        format: "                      relay CPU per message = %.2f x the floor's; relay throughput (child) = %.2f x the floor's",
                        m.relayCPUMicrosecondsPerMessage.median / f.serverCPUMicrosecondsPerMessage.median,
                        m.acceptedPerSecond.median / f.answeredPerSecond.median))
            }
        }
        if let limits { lines.append(limits.table) }
        return lines.joined(separator: "\n")
    }
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
        if options.only == "memory" {
            report.memory = try await MemoryBenchmark(options: options).run()
            return report
        }
        if options.only == "floor" {
            report.floor = try await FloorBenchmark(options: options).run()
            return report
        }
        if options.only == "latency" {
            report.latency = try await latencyOnly()
            return report
        }
        progress("limits")
        report.limits = try await LimitsBenchmark(runs: options.runs, secondsPerRun: 1).run()
        try await mainScenarios(into: &report)
        if options.growth {
            for level in options.growthLevels { report.growth.append(try await growthLevel(pocs: level)) }
        }
        if options.memory {
            report.memory = try await MemoryBenchmark(options: options).run()
            report.floor = try await FloorBenchmark(options: options).run()
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
                id: SecureRandom.bytes(count: 16).lowercaseHex, sender: from.id.rawValue, urgency: "routine", exercise: false,
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
