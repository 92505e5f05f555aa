import Foundation
import Logging
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Synchronization

/// The relay's own memory: the real `poc-relay serve` in a child process
/// (found next to this binary), with 1,000 POCs enrolled over HTTPS, idle and
/// under the throughput load, read from `/proc/PID/status`.
struct MemoryBenchmark {
    let options: RelayBenchmarkOptions
    let pocCount = 1000

    func run() async throws -> RelayReport.Memory? {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("poc-relay").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            progress("memory: skipped, no poc-relay beside this binary (run `swift build -c release` first)")
            return nil
        }
        progress("memory: poc-relay serve in a child process")
        let directory = try TemporaryDirectory(prefix: "poc-relay-memory")
        defer { directory.remove() }
        let data = directory.file("data")
        try await runTool(binary, ["init", "--data-dir", data])

        // Invitations through the same RelayService call `poc-relay invite` makes, before the relay starts.
        var invitations: [Invitation] = []
        do {
            let store = try RelayStore(path: (data as NSString).appendingPathComponent("relay.sqlite"))
            let key = try RelayKeyFile.load(from: (data as NSString).appendingPathComponent(RelayKeyFile.fileName))
            let service = RelayService(store: store, relayKey: key, logger: Logger(label: "poc-relay") { _ in SwiftLogNoOpLogHandler() })
            for index in 0..<pocCount {
                let state = stateCode(index), role: Role = index < 16 || index % 2 == 0 ? .technical : .diplomatic
                invitations.append(
                    Invitation(token: try await service.invite(state: try StateCode(state), role: role).token, state: state, role: role))
            }
            try store.close()
        }

        let certificates = try DevCertificates.shared.get()
        let config = directory.file("config.json")
        try Data(#"{"public_rate_per_second": 1000000, "public_burst": 1000000, "max_connections_per_address": 1000}"#.utf8).write(
            to: URL(fileURLWithPath: config))
        let child = try ChildServer(
            binary: binary,
            arguments: [
                "serve", "--data-dir", data, "--port", "0", "--tls-cert", certificates.server.certificateChainPath, "--tls-key",
                certificates.server.privateKeyPath, "--config", config, "--metrics-port", "0",
            ],
            log: directory.file("relay.log"))
        defer { child.stop() }
        let port = try await child.servingPort()
        let metricsPort = try await child.announcedPort(after: AnnouncedPort.metrics)
        let pid = child.pid

        let key = try RelayKeyFile.load(from: (data as NSString).appendingPathComponent(RelayKeyFile.fileName))
        let target = Target(
            baseURL: URL(string: "https://127.0.0.1:\(port)")!, trust: .caFile(certificates.caFile),
            relayID: Fingerprint(of: key.publicKey).compact, relayKey: key.publicKey)
        let clients = Clients(target: target)
        do {
            let pocs = try await enrol(invitations, clients: clients, workers: 16)
            var senders: [(ActivePOC, BenchPOC)] = []
            for index in 0..<16 { senders.append((try await clients.activate(pocs[index]), pocs[(index + 1) % 16])) }
            try await Task.sleep(for: .seconds(2))
            let idle = try ProcessMemory(pid: pid)

            var expected = try await runThroughput(senders: senders, target: target, seconds: 2, concurrency: options.concurrency, expectedRate: 2000)
                .acceptedPerSecond
            var peaks: [Double] = [], anonymousPeaks: [Double] = [], rates: [Double] = [], cpuPerMessage: [Double] = []
            var generatorCPUPerMessage: [Double] = [], envelopesPerCommit: [Double] = [], commitsPerSecond: [Double] = []
            for _ in 0..<options.runs {
                let metricsBefore = try await RelayMetrics.scrape(port: metricsPort)
                let cpuBefore = try ProcessCPU(pid: pid)
                let peak = Shared(0.0), anonymousPeak = Shared(0.0)
                let sampler = Task {
                    while !Task.isCancelled {
                        if let memory = try? ProcessMemory(pid: pid) {
                            peak.withLock { $0 = max($0, memory.rssMiB) }
                            anonymousPeak.withLock { $0 = max($0, memory.anonymousMiB) }
                        }
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
                let run = try await runThroughput(
                    senders: senders, target: target, seconds: options.seconds, concurrency: options.concurrency, expectedRate: expected)
                sampler.cancel()
                _ = await sampler.value
                let cpu = try ProcessCPU(pid: pid).seconds - cpuBefore.seconds
                let metricsAfter = try await RelayMetrics.scrape(port: metricsPort)
                let commits = metricsAfter.submitCommits - metricsBefore.submitCommits
                envelopesPerCommit.append((metricsAfter.committedEnvelopes - metricsBefore.committedEnvelopes) / max(1, commits))
                commitsPerSecond.append(commits / options.seconds)
                cpuPerMessage.append(cpu * 1_000_000 / Double(max(1, run.accepted)))
                generatorCPUPerMessage.append(run.ownCPUSeconds * 1_000_000 / Double(max(1, run.accepted)))
                expected = run.acceptedPerSecond
                rates.append(run.acceptedPerSecond)
                peaks.append(peak.withLock { $0 })
                anonymousPeaks.append(anonymousPeak.withLock { $0 })
                progress(
                    "  \(format(run.acceptedPerSecond)) msgs/s, peak RSS \(format(peaks.last!, 1)) MiB, "
                        + "relay CPU \(format(cpuPerMessage.last!, 0)) µs/msg, load generator CPU \(format(generatorCPUPerMessage.last!, 0)) µs/msg, "
                        + "\(format(commitsPerSecond.last!, 0)) commits/s of \(format(envelopesPerCommit.last!, 1)) envelopes")
            }
            let final = try ProcessMemory(pid: pid)
            await clients.shutdown()
            return .init(
                pocs: pocCount, idleRSSMiB: idle.rssMiB, idlePeakMiB: idle.hwmMiB, underLoadPeakRSSMiB: Summary(peaks),
                idleAnonymousMiB: idle.anonymousMiB, idleFileMiB: idle.fileMiB, underLoadPeakAnonymousMiB: Summary(anonymousPeaks),
                processPeakMiB: final.hwmMiB, acceptedPerSecond: Summary(rates), relayCPUMicrosecondsPerMessage: Summary(cpuPerMessage),
                loadGeneratorCPUMicrosecondsPerMessage: Summary(generatorCPUPerMessage),
                submitCommitsPerSecond: Summary(commitsPerSecond), envelopesPerCommit: Summary(envelopesPerCommit),
                note: "VmHWM includes the enrolment of \(pocCount) POCs; the child logs at info to a file")
        } catch {
            await clients.shutdown()
            throw error
        }
    }

    /// Runs `poc-relay` with `arguments` to completion.
    func runTool(_ binary: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkError("poc-relay \(arguments[0]) failed (\(process.terminationStatus))") }
    }
}

/// VmRSS and VmHWM of a process, from `/proc/PID/status`.
struct ProcessMemory {
    let rssMiB: Double
    let hwmMiB: Double
    /// Heap, stacks and other private memory (`RssAnon`).
    let anonymousMiB: Double
    /// Pages of the binary and shared libraries (`RssFile`), shared with other processes mapping them.
    let fileMiB: Double

    init(pid: Int32) throws {
        let text = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func kib(_ field: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return .nan }
            return Double(String(line.filter(\.isNumber))) ?? .nan
        }
        rssMiB = kib("VmRSS") / 1024
        hwmMiB = kib("VmHWM") / 1024
        anonymousMiB = kib("RssAnon") / 1024
        fileMiB = kib("RssFile") / 1024
    }
}

/// User plus system CPU time of a process so far, from `/proc/PID/stat`.
struct ProcessCPU {
    let seconds: Double

    init(pid: Int32) throws {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
        guard let close = text.lastIndex(of: ")") else { throw BenchmarkError("unreadable /proc/\(pid)/stat") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchmarkError("unreadable /proc/\(pid)/stat")
        }
        seconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// User plus system CPU time of this process so far (the load generator's side).
    static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// A server in a child process whose standard error goes to `log`, where it
/// announces `serving https://127.0.0.1:PORT`; ended by ``stop()``.
final class ChildServer {
    private let process = Process()
    private let log: String

    init(binary: String, arguments: [String], log: String) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The port from the child's `serving https://127.0.0.1:PORT` line.
    func servingPort() async throws -> Int { try await announcedPort(after: AnnouncedPort.serving) }

    /// The port that follows `prefix` in the child's log, once it appears.
    func announcedPort(after prefix: String) async throws -> Int {
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let port = AnnouncedPort.find(in: text, after: prefix) { return port }
            guard process.isRunning else { throw BenchmarkError("\(process.arguments?.first ?? "child") exited: \(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchmarkError("\(process.arguments?.first ?? "child") did not start within 30 s")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
