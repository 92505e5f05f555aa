import Foundation
import NIOCore
import RelayClient
import RelayProtocol
import Sodium
import Synchronization

/// Hands out pre-encoded request bodies to concurrent submitters.
final class BodyQueue: Sendable {
    private let bodies: [Data]
    private let next = Mutex(0)

    init(_ bodies: [Data]) { self.bodies = bodies }

    func take() -> Data? {
        next.withLock { index in
            guard index < bodies.count else { return nil }
            defer { index += 1 }
            return bodies[index]
        }
    }
}

/// The outcome of one throughput run.
struct ThroughputRun {
    /// 201 answers per second.
    let acceptedPerSecond: Double
    let accepted: Int
    /// Answers other than 201 by status (0: no answer).
    let others: [Int: Int]
    /// Envelopes sealed during the run because the pre-sealed ones ran out.
    let sealedInline: Int
    /// CPU time of this process during the run: the load generator's, when the relay is a child.
    let ownCPUSeconds: Double
}

/// What sends the throughput load.
enum LoadClient: String, Sendable {
    /// ``LoadGenerator``: raw HTTP/1.1 over TLS on NIO, so the figure is the relay's.
    case lean
    /// `RelayAPIClient` over AsyncHTTPClient, the `poc` client's stack: the
    /// figure includes that client's own CPU on the same two cores.
    case asyncHTTPClient = "async-http-client"
}

/// Throughput: each sender submits pre-sealed 2 KiB envelopes to its
/// recipient for `seconds`, `concurrency` requests in flight per sender (one
/// connection each). Counts 201 answers only.
func runThroughput(
    senders: [(ActivePOC, BenchPOC)], target: Target, client: LoadClient = .lean, seconds: Double, concurrency: Int,
    expectedRate: Double
) async throws -> ThroughputRun {
    let perSender = max(200, Int(expectedRate * seconds * 1.4 / Double(max(1, senders.count))))
    // Pre-seal and pre-encode outside the timed window, on every core.
    let queues = try await withThrowingTaskGroup(of: (Int, BodyQueue).self) { group in
        for (index, (sender, recipient)) in senders.enumerated() {
            group.addTask {
                let bodies = try sealMessages(from: sender.poc, to: [recipient], count: perSender).map { try WireJSON.encode($0) }
                return (index, BodyQueue(bodies))
            }
        }
        var queues = [BodyQueue?](repeating: nil, count: senders.count)
        for try await (index, queue) in group { queues[index] = queue }
        return queues.map { $0! }
    }
    var tokens: [String] = []
    for (sender, _) in senders { tokens.append(try await sender.session.token()) }
    let generator = try LoadGenerator(target: target)
    let clock = ContinuousClock()
    let ownCPUBefore = ProcessCPU.ownSeconds()
    let start = clock.now
    let deadline = start + .milliseconds(Int64(seconds * 1000))
    let nioDeadline = NIODeadline.now() + .milliseconds(Int64(seconds * 1000))
    let results = await withTaskGroup(of: (Int, [Int: Int], Int).self) { group in
        for (index, (sender, recipient)) in senders.enumerated() {
            let token = tokens[index]
            let headers = [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")]
            for _ in 0..<max(1, concurrency) {
                group.addTask {
                    if client == .lean {
                        let tally = await generator.run(queue: queues[index], token: token, until: nioDeadline)
                        return (tally.accepted, tally.others, 0)
                    }
                    var accepted = 0, inline = 0
                    var others: [Int: Int] = [:]
                    while clock.now < deadline {
                        var body = queues[index].take()
                        if body == nil {
                            inline += 1
                            body = try? sealMessages(from: sender.poc, to: [recipient], count: 1).map { try WireJSON.encode($0) }.first
                        }
                        guard let body else { break }
                        do {
                            let response = try await sender.api.http.send(
                                method: "POST", path: "/v1/messages", body: body, headers: headers, timeout: .seconds(60))
                            if response.status == 201 { accepted += 1 } else { others[response.status, default: 0] += 1 }
                        } catch {
                            others[0, default: 0] += 1
                        }
                    }
                    return (accepted, others, inline)
                }
            }
        }
        var total = (0, [Int: Int](), 0)
        for await (accepted, others, inline) in group {
            total.0 += accepted
            total.1.merge(others, uniquingKeysWith: +)
            total.2 += inline
        }
        return total
    }
    // Until the last connection's loop ended: earlier than the deadline if the pre-sealed bodies ran out.
    let elapsed = (clock.now - start).seconds
    return ThroughputRun(
        acceptedPerSecond: Double(results.0) / elapsed, accepted: results.0, others: results.1, sealedInline: results.2,
        ownCPUSeconds: ProcessCPU.ownSeconds() - ownCPUBefore)
}

/// The outcome of one paced latency run, in ms.
struct LatencyRun {
    /// Submit to opened by the long-polling recipient.
    let endToEnd: [Double]
    /// Submit to the sender's 201.
    let submit: [Double]
}

/// Latency: `sender` submits to `recipient` at a paced `rate` per second for
/// `seconds`; the recipient long-polls (`wait=30`), opens each message with
/// `Envelope.open` and receipts it.
func runLatency(sender: ActivePOC, recipient: ActivePOC, rate: Double, seconds: Double) async throws -> LatencyRun {
    let count = max(1, Int(rate * seconds))
    let envelopes = try sealMessages(from: sender.poc, to: [recipient.poc], count: count)
    let sentAt = Shared<[MessageID: ContinuousClock.Instant]>([:])
    let clock = ContinuousClock()
    let senderKey = sender.poc.identity.publicKey
    let me = recipient.poc.id
    return try await withThrowingTaskGroup(of: [Double].self) { group in
        group.addTask {
            var latencies: [Double] = []
            var seen = Set<MessageID>()
            let giveUp = clock.now + .seconds(seconds + 30)
            try await withThrowingTaskGroup(of: Void.self) { receipts in
                while seen.count < count && clock.now < giveUp {
                    let inbox = try await recipient.session.inbox(wait: 30, limit: 100)
                    for message in inbox.messages where !seen.contains(message.id) {
                        _ = try message.envelope(for: me).open(as: me, with: recipient.poc.boxKeys, senderKey: senderKey)
                        let now = clock.now
                        if let sent = sentAt.withLock({ $0[message.id] }) { latencies.append((now - sent).milliseconds) }
                        seen.insert(message.id)
                        receipts.addTask { try await recipient.session.sendReceipt(for: message) }
                    }
                }
                try await receipts.waitForAll()
            }
            return latencies
        }
        let start = clock.now
        let submitTimes = try await withThrowingTaskGroup(of: Double.self) { submits in
            for (index, envelope) in envelopes.enumerated() {
                try await clock.sleep(until: start + .microseconds(Int64(Double(index) * 1_000_000 / rate)))
                let sent = clock.now
                sentAt.withLock { $0[envelope.id] = sent }
                submits.addTask {
                    _ = try await sender.session.submit(envelope)
                    return (clock.now - sent).milliseconds
                }
            }
            var times: [Double] = []
            for try await time in submits { times.append(time) }
            return times
        }
        var result: [Double] = []
        for try await part in group { result += part }
        return LatencyRun(endToEnd: result, submit: submitTimes)
    }
}

/// The outcome of one fan-out run, in ms from the start of sealing.
struct FanOutRun {
    let sealMs: Double
    let acceptMs: Double
    let lastRecipientMs: Double
}

/// Fan-out: `sender` seals one notice to every recipient and submits it; each
/// recipient is already long-polling. Times sealing, acceptance, and the last
/// recipient holding the opened message.
func runFanOut(sender: ActivePOC, recipients: [ActivePOC]) async throws -> FanOutRun {
    let clock = ContinuousClock()
    let senderKey = sender.poc.identity.publicKey
    let started = Shared(0)
    return try await withThrowingTaskGroup(of: ContinuousClock.Instant?.self) { group in
        for recipient in recipients {
            group.addTask {
                started.withLock { $0 += 1 }
                let giveUp = clock.now + .seconds(60)
                while clock.now < giveUp {
                    let inbox = try await recipient.session.inbox(wait: 30, limit: 10)
                    guard let message = inbox.messages.first else { continue }
                    let me = recipient.poc.id
                    _ = try message.envelope(for: me).open(as: me, with: recipient.poc.boxKeys, senderKey: senderKey)
                    let at = clock.now
                    try await recipient.session.sendReceipt(for: message)
                    return at
                }
                return nil
            }
        }
        // Let every long poll reach the relay and park before sending.
        while started.withLock({ $0 }) < recipients.count { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .seconds(1))
        let start = clock.now
        let inner = InnerMessage(
            from: sender.poc.id, to: recipients.map(\.poc.id), urgency: .flash, type: .notice, subject: "fan-out",
            body: String(repeating: "n", count: 1500))
        let keys = Dictionary(uniqueKeysWithValues: recipients.map { ($0.poc.id, $0.poc.boxKeys.publicKey) })
        let envelope = try Envelope.seal(inner, signer: sender.poc.identity, recipientKeys: keys)
        let sealed = clock.now
        _ = try await sender.session.submit(envelope)
        let accepted = clock.now
        var last = accepted
        for try await at in group {
            guard let at else { throw BenchmarkError("a fan-out recipient never got the notice") }
            last = max(last, at)
        }
        return FanOutRun(
            sealMs: (sealed - start).milliseconds, acceptMs: (accepted - start).milliseconds, lastRecipientMs: (last - start).milliseconds)
    }
}

/// The outcome of one ping campaign run.
struct PingRun {
    let issueMs: Double
    let pinged: Int
    let answersPerSecond: Double
}

/// Pings: starts a campaign (in the relay process, as `poc-relay ping start`
/// does), then every POC fetches its ping over HTTPS, checks the relay's
/// signature and answers, `workers` POCs at a time.
func runPings(
    start: @Sendable () async throws -> Int, pocs: [BenchPOC], target: Target, apis: [RelayAPIClient], sessions: [RelaySession]
) async throws -> PingRun {
    let clock = ContinuousClock()
    let t0 = clock.now
    let pinged = try await start()
    let issued = clock.now
    let answered = try await withThrowingTaskGroup(of: Int.self) { group in
        for worker in 0..<apis.count {
            group.addTask {
                var count = 0
                for index in stride(from: worker, to: sessions.count, by: apis.count) {
                    for ping in try await sessions[index].pings() {
                        _ = try await sessions[index].answer(ping, relayKey: target.relayKey)
                        count += 1
                    }
                }
                return count
            }
        }
        var total = 0
        for try await count in group { total += count }
        return total
    }
    let done = clock.now
    guard answered == pinged else { throw BenchmarkError("pings: \(pinged) issued but \(answered) answered") }
    return PingRun(issueMs: (issued - t0).milliseconds, pinged: pinged, answersPerSecond: Double(answered) / (done - issued).seconds)
}
