import Foundation
import RelayClient
import RelayProtocol
import RelayService
import RelayTestSupport

/// The relay's rules and storage without HTTP: `RelayService.submit` called
/// directly, by as many tasks as the throughput load has requests in flight
/// (16 senders x `--concurrency`), with pre-sealed 2 KiB envelopes.
///
/// It is the same path a `POST /v1/messages` takes after TLS, HTTP, routing
/// and JSON: sender and recipient checks, the envelope digest, group commit
/// with `synchronous = FULL`, waking the recipient, the log line. Read beside
/// the store alone (``StoreLimit``), the transport floor and the whole relay,
/// it shows where a message's CPU goes.
struct ServicePathBenchmark {
    let options: RelayBenchmarkOptions
    /// Seconds of each run (sealing enough envelopes for longer runs takes longer than the run).
    var seconds: Double { min(options.seconds, 5) }

    struct Report: Codable {
        let callers: Int
        let seconds: Double
        let acceptedPerSecond: Summary
        /// This process's CPU time per accepted message (no HTTP traffic meanwhile).
        let cpuMicrosecondsPerMessage: Summary
    }

    func run() async throws -> Report {
        let options = options, seconds = seconds
        return try await withBenchRelay { relay, clients, _ in
            progress("service path: RelayService.submit without HTTP")
            var invitations: [Invitation] = []
            for index in 0..<32 { invitations.append(try await invite(relay, stateCode(500 + index), .technical)) }
            let pocs = try await enrol(invitations, clients: clients)
            var senders: [(caller: Caller, poc: BenchPOC, recipient: BenchPOC)] = []
            for index in 0..<16 {
                let session = try await clients.activate(pocs[index]).session
                let caller = try await relay.service.authenticate(token: try await session.token())
                senders.append((caller, pocs[index], pocs[16 + index]))
            }
            let callers = senders.count * options.concurrency
            var rates: [Double] = [], cpu: [Double] = []
            var expected = 4000.0
            for _ in 0..<options.runs {
                let perCaller = Int(expected * seconds * 1.5) / callers + 50
                let work = try await withThrowingTaskGroup(of: [(Caller, [Envelope])].self) { group in
                    for (caller, sender, recipient) in senders {
                        group.addTask {
                            let sealed = try sealMessages(from: sender, to: [recipient], count: perCaller * options.concurrency)
                            return (0..<options.concurrency).map { slice in
                                (caller, Array(sealed[(slice * perCaller)..<((slice + 1) * perCaller)]))
                            }
                        }
                    }
                    var all: [(Caller, [Envelope])] = []
                    for try await part in group { all += part }
                    return all
                }
                let service = relay.service
                let clock = ContinuousClock()
                let deadline = clock.now + .milliseconds(Int64(seconds * 1000))
                let cpuBefore = ProcessCPU.ownSeconds()
                let start = clock.now
                let accepted = await withTaskGroup(of: Int.self) { group in
                    for (caller, envelopes) in work {
                        group.addTask {
                            var count = 0
                            for envelope in envelopes {
                                guard clock.now < deadline else { break }
                                if let answer = try? await service.submit(envelope, from: caller), answer.created { count += 1 }
                            }
                            return count
                        }
                    }
                    return await group.reduce(0, +)
                }
                let elapsed = clock.now - start
                let used = ProcessCPU.ownSeconds() - cpuBefore
                rates.append(Double(accepted) / elapsed.seconds)
                cpu.append(used * 1e6 / Double(max(1, accepted)))
                expected = rates.last!
                progress("  \(format(rates.last!)) msgs/s, CPU \(format(cpu.last!, 0)) µs/msg")
            }
            return Report(
                callers: callers, seconds: seconds, acceptedPerSecond: Summary(rates), cpuMicrosecondsPerMessage: Summary(cpu))
        }
    }
}
