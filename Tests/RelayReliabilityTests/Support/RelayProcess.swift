import Foundation
import ProcessLaunch
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `poc-relay` child process; its output is collected as it comes, on
/// threads of their own (never on the cooperative pool).
final class RelayProcess: Sendable {
    let child: ChildProcess
    var arguments: [String] { child.arguments }

    /// Starts `poc-relay` with `arguments`.
    init(_ arguments: [String]) throws {
        child = try ChildProcess(
            executable: try BuiltProduct.pocRelay().url.path, arguments: arguments, environment: BuiltProduct.childEnvironment())
    }

    var stdout: String { String(decoding: child.standardOutput, as: UTF8.self) }
    var stderr: String { String(decoding: child.standardError, as: UTF8.self) }
    var isRunning: Bool { child.isRunning }

    /// Sends `signal` if the process still runs.
    func send(_ signal: Int32) { child.send(signal) }

    /// Waits up to `timeout` for the process to exit; its status, or nil if it still runs.
    func waitForExit(timeout: Duration) async -> Int32? { await child.waitForExit(timeout: timeout) }

    /// Kills the process if it still runs and waits for it (cleanup on any path).
    func kill9() async { await child.kill9() }

    /// Runs `poc-relay arguments` to completion (at most `timeout`), returning status and standard output.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try RelayProcess(arguments)
        guard let status = await child.waitForExit(timeout: timeout) else {
            await child.kill9()
            throw ChildTimeout(arguments: arguments)
        }
        await child.child.waitForOutput()
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
            if let port = AnnouncedPort.find(in: server.stderr, after: AnnouncedPort.serving) { return (server, port) }
            if !server.isRunning { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        await server.kill9()
        throw ServeDidNotStart(stderr: server.stderr)
    }

    struct ServeDidNotStart: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "poc-relay serve did not start:\n\(stderr)" }
    }
}
