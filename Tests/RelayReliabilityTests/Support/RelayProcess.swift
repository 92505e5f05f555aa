import Foundation
import ProcessLaunch
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `poc-relay` executable SwiftPM built next to this test bundle.
enum PocRelayBinary {
    /// The path, or a test failure naming the folders searched.
    static func url() throws -> URL { try BuiltProduct.named("poc-relay").url }
}

/// A `poc-relay` child process; its output is collected as it comes, on
/// threads of their own (never on the cooperative pool).
final class RelayProcess: @unchecked Sendable {  // `process` is only started and signalled; the buffers lock
    let process = Process()
    let arguments: [String]
    private let stderrData = LockedData()
    private let stdoutData = LockedData()
    private let readers = DispatchGroup()

    /// Starts `poc-relay` with `arguments`.
    init(_ arguments: [String]) throws {
        self.arguments = arguments
        process.executableURL = try PocRelayBinary.url()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.runSerialized()
        for (pipe, sink) in [(out, stdoutData), (err, stderrData)] {
            readers.enter()
            let group = readers
            Thread {
                let handle = pipe.fileHandleForReading
                while true {
                    let chunk = handle.readChunkRetryingInterrupts()
                    if chunk.isEmpty { break }
                    sink.append(chunk)
                }
                group.leave()
            }.start()
        }
    }

    var stdout: String { String(decoding: stdoutData.value, as: UTF8.self) }
    var stderr: String { String(decoding: stderrData.value, as: UTF8.self) }

    /// Sends `signal` if the process still runs.
    func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Waits up to `timeout` for the process to exit; its status, or nil if it still runs.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills the process if it still runs and waits for it (cleanup on any path).
    func kill9() async {
        send(SIGKILL)
        _ = await waitForExit(timeout: .seconds(10))
    }

    /// Runs `poc-relay arguments` to completion (at most `timeout`), returning status and standard output.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try RelayProcess(arguments)
        guard let status = await child.waitForExit(timeout: timeout) else {
            await child.kill9()
            throw ChildTimeout(arguments: arguments)
        }
        await withCheckedContinuation { continuation in child.readers.notify(queue: .global()) { continuation.resume() } }
        return (status, child.stdout, child.stderr)
    }

    struct ChildTimeout: Error, CustomStringConvertible {
        let arguments: [String]
        var description: String { "poc-relay \(arguments.joined(separator: " ")) did not finish in time" }
    }

    /// `poc-relay serve` on `dataDirectory` with the dev certificates, on a free port; the port once it listens.
    static func serve(dataDirectory: String, certificate: String, key: String, extra: [String] = []) async throws -> (RelayProcess, Int) {
        let server = try RelayProcess(
            [
                "serve", "--data-dir", dataDirectory, "--host", "127.0.0.1", "--port", "0", "--tls-cert", certificate, "--tls-key", key,
                "--log-level", "warning",
            ] + extra)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let port = Self.port(in: server.stderr) { return (server, port) }
            if !server.process.isRunning { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        await server.kill9()
        throw ServeDidNotStart(stderr: server.stderr)
    }

    /// The port of `poc-relay: serving https://127.0.0.1:PORT`.
    static func port(in text: String) -> Int? {
        guard let range = text.range(of: "serving https://127.0.0.1:") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }

    struct ServeDidNotStart: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "poc-relay serve did not start:\n\(stderr)" }
    }
}

/// Thread-safe bytes.
final class LockedData: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var value: Data { lock.withLock { data } }
}
