import Foundation

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
        /// The second floor: answers released in groups every this many
        /// milliseconds (as long as a relay request takes under the load), and its figures.
        let holdMilliseconds: Double
        let heldAnsweredPerSecond: Summary
        let heldServerCPUMicrosecondsPerMessage: Summary
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
    var servicePath: ServicePathBenchmark.Report?

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
            lines.append(
                "                      answering in groups every \(format(f.holdMilliseconds, 1)) ms (as group commit does): \(f.heldAnsweredPerSecond.text) msgs/s, "
                    + "server CPU \(f.heldServerCPUMicrosecondsPerMessage.text(0)) µs/msg")
            if let m = memory {
                lines.append(
                    String(
                        format: "                      relay CPU per message = %.2f x the floor's (%.2f x the held floor's); "
                            + "relay throughput (child) = %.2f x the floor's",
                        m.relayCPUMicrosecondsPerMessage.median / f.serverCPUMicrosecondsPerMessage.median,
                        m.relayCPUMicrosecondsPerMessage.median / f.heldServerCPUMicrosecondsPerMessage.median,
                        m.acceptedPerSecond.median / f.answeredPerSecond.median))
            }
        }
        if let s = servicePath {
            lines.append(
                "  service path      \(s.acceptedPerSecond.text) msgs/s, CPU \(s.cpuMicrosecondsPerMessage.text(0)) µs/msg: "
                    + "RelayService.submit from \(s.callers) tasks for \(format(s.seconds, 0)) s, no HTTP (in process)")
        }
        if let limits { lines.append(limits.table) }
        return lines.joined(separator: "\n")
    }
}
