import Foundation
import Hummingbird
import HummingbirdTLS
import NIOCore
import NIOSSL
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Sodium

/// The transport floor: what HTTPS on this stack costs before the relay does
/// anything of its own.
///
/// A bare Hummingbird server with the relay's TLS and HTTP/1.1 set-up, in a
/// child process (this binary, `relay-benchmarks floor-server`), reads each
/// `POST /v1/messages` body whole and answers 201 with a fixed small JSON
/// body: no authentication, JSON decoding, crypto or storage. The same lean
/// load generator as the throughput scenario sends it the same 2 KiB
/// envelopes. Its messages per second, and the CPU time per message of the
/// server and of the load generator, bound what the relay can reach on these
/// two cores: the relay does all the floor does and more.
///
/// The relay's requests wait for their group commit, and while they wait the
/// server does less per wake-up: fewer requests per read, one response per
/// write. So the floor runs twice: answering at once, and answering in groups
/// once per the time the relay's requests take under the same load
/// (`holdMilliseconds`, from the memory scenario's throughput when it ran).
struct FloorBenchmark {
    let options: RelayBenchmarkOptions
    /// How often the second floor releases its waiting answers.
    var holdMilliseconds = 15.0

    /// One floor configuration's runs.
    struct Runs {
        var rates: [Double] = [], serverCPU: [Double] = [], generatorCPU: [Double] = []
    }

    func run() async throws -> RelayReport.Floor {
        progress("floor: a bare Hummingbird HTTPS server in a child process")
        let immediate = try await measure(holdMilliseconds: 0)
        progress("floor: the same, answering in groups every \(format(holdMilliseconds, 1)) ms")
        let held = try await measure(holdMilliseconds: holdMilliseconds)
        return .init(
            connections: connections, seconds: options.seconds, answeredPerSecond: Summary(immediate.rates),
            serverCPUMicrosecondsPerMessage: Summary(immediate.serverCPU),
            loadGeneratorCPUMicrosecondsPerMessage: Summary(immediate.generatorCPU), holdMilliseconds: holdMilliseconds,
            heldAnsweredPerSecond: Summary(held.rates), heldServerCPUMicrosecondsPerMessage: Summary(held.serverCPU))
    }

    var connections: Int { 16 * max(1, options.concurrency) }

    /// Runs the floor server (answering in groups every `holdMilliseconds` when above 0) under the load, `options.runs` times.
    func measure(holdMilliseconds: Double) async throws -> Runs {
        let certificates = try DevCertificates.shared.get()
        let directory = try TemporaryDirectory(prefix: "poc-relay-floor")
        defer { directory.remove() }
        let log = directory.file("server.log")
        let child = try ChildServer(
            binary: CommandLine.arguments[0],
            arguments: [
                "floor-server", certificates.server.certificateChainPath, certificates.server.privateKeyPath, "\(holdMilliseconds)",
            ], log: log)
        defer { child.stop() }
        let port = try await child.servingPort()
        let target = Target(
            baseURL: URL(string: "https://127.0.0.1:\(port)")!, trust: .caFile(certificates.caFile), relayID: "",
            relayKey: SigningKeyPair().publicKey)
        let generator = try LoadGenerator(target: target)
        let connections = connections
        // The same 2 KiB envelopes as the throughput scenario (the server does not read them).
        let body = try WireJSON.encode(try Self.envelope())
        var runs = Runs()
        for _ in 0..<options.runs {
            let queue = BodyQueue(Array(repeating: body, count: Int(options.seconds * 40_000)))
            let serverBefore = try ProcessCPU(pid: child.pid), selfBefore = ProcessCPU.ownSeconds()
            let deadline = NIODeadline.now() + .milliseconds(Int64(options.seconds * 1000))
            let start = ContinuousClock.now
            let answered = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<connections {
                    group.addTask { await generator.run(queue: queue, token: "floor", until: deadline).accepted }
                }
                return await group.reduce(0, +)
            }
            let elapsed = (ContinuousClock.now - start).seconds
            let count = Double(max(1, answered))
            runs.rates.append(Double(answered) / elapsed)
            runs.serverCPU.append((try ProcessCPU(pid: child.pid).seconds - serverBefore.seconds) * 1_000_000 / count)
            runs.generatorCPU.append((ProcessCPU.ownSeconds() - selfBefore) * 1_000_000 / count)
            progress(
                "  \(format(runs.rates.last!)) msgs/s, server CPU \(format(runs.serverCPU.last!, 0)) µs/msg, "
                    + "load generator CPU \(format(runs.generatorCPU.last!, 0)) µs/msg")
        }
        return runs
    }

    /// An envelope of the throughput scenario's size: 2 KiB sealed, one recipient.
    static func envelope() throws -> Envelope {
        let recipient = try POCID("AAB-TEC-1")
        return Envelope(
            id: try MessageID(SecureRandom.bytes(count: 16).lowercaseHex), from: try POCID("AAA-TEC-1"), to: [recipient],
            urgency: .routine, exercise: false, keys: [recipient: SecureRandom.bytes(count: Envelope.wrappedKeyByteCount)],
            commitment: SecureRandom.bytes(count: 32), body: SecureRandom.bytes(count: 2048 + 24 + 16 + 64))
    }
}

/// `relay-benchmarks floor-server CERT KEY HOLD_MS`: the bare server of
/// ``FloorBenchmark``, on 127.0.0.1 at a free port, until killed. With a
/// `HOLD_MS` above 0 it answers requests in groups every `HOLD_MS`
/// milliseconds (``HoldGate``), as group commit does.
func runFloorServer(certificatePath: String, keyPath: String, holdMilliseconds: Double) async throws {
    let router = Router()
    let answer = ByteBuffer(string: #"{"id":"00000000000000000000000000000000","accepted_at":"2026-01-01T00:00:00Z"}"#)
    let gate = holdMilliseconds > 0 ? HoldGate(periodMilliseconds: holdMilliseconds) : nil
    router.post("/v1/messages") { request, _ -> Response in
        _ = try await request.body.collect(upTo: 2 << 20)
        if let gate { await gate.wait() }
        return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: answer))
    }
    let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
    var tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
    tls.minimumTLSVersion = .tlsv12
    let app = Application(
        router: router, server: try .tls(.http1(), tlsConfiguration: tls),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            FileHandle.standardError.write(Data("\(AnnouncedPort.serving)\(channel.localAddress?.port ?? 0)\n".utf8))
        })
    try await app.runService()
}

/// Holds requests the way the relay's group commit does, without storage:
/// waiters queue, and every `periodMilliseconds` one timer releases all of
/// them at once.
actor HoldGate {
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(periodMilliseconds: Double) {
        Task { [weak self] in
            while let gate = self {
                try? await Task.sleep(for: .microseconds(Int64(periodMilliseconds * 1000)))
                await gate.releaseAll()
            }
        }
    }

    func wait() async { await withCheckedContinuation { waiting.append($0) } }

    private func releaseAll() {
        let released = waiting
        waiting = []
        for waiter in released { waiter.resume() }
    }
}
