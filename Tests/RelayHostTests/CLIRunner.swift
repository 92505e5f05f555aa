import Foundation
import ProcessLaunch
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one run of `poc-relay` produced.
struct CLIResult: Sendable, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String
    let timedOut: Bool

    /// Non-empty lines of standard output.
    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    /// Non-empty lines of standard error.
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    var description: String {
        "poc-relay \(arguments.joined(separator: " ")) -> status \(status)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// Runs `poc-relay` with `arguments` in `workingDirectory`, killing it after `timeout` seconds.
func runCLI(_ arguments: [String], in workingDirectory: String, timeout: TimeInterval = 15) async throws -> CLIResult {
    let run = try await ChildProcess.run(
        executable: try BuiltProduct.pocRelay().url.path, arguments: arguments, environment: BuiltProduct.childEnvironment(),
        workingDirectory: workingDirectory, timeout: .milliseconds(Int(timeout * 1000)))
    return CLIResult(
        arguments: arguments, status: run.status, stdout: String(decoding: run.standardOutput, as: UTF8.self),
        stderr: String(decoding: run.standardError, as: UTF8.self), timedOut: run.timedOut)
}

/// A long-running `poc-relay serve`: standard error is collected as it comes.
final class ServerProcess: Sendable {
    let child: ChildProcess

    /// Starts `poc-relay` with `arguments`.
    init(_ arguments: [String], in workingDirectory: String) throws {
        child = try ChildProcess(
            executable: try BuiltProduct.pocRelay().url.path, arguments: arguments, environment: BuiltProduct.childEnvironment(),
            workingDirectory: workingDirectory)
    }

    var stderr: String { String(decoding: child.standardError, as: UTF8.self) }
    var stdout: String { String(decoding: child.standardOutput, as: UTF8.self) }
    var isRunning: Bool { child.isRunning }

    /// Polls standard error until `match` finds something, the process exits, or `timeout` passes.
    func waitForStderr<T>(timeout: Duration, _ match: (String) -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = match(stderr) { return found }
            if !child.isRunning {
                await child.waitForOutput(timeout: .seconds(2))
                return match(stderr)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return match(stderr)
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) { child.send(signal) }

    /// Waits up to `timeout` for the process to exit; its status, or nil if still running.
    func waitForExit(timeout: Duration) async throws -> Int32? { await child.waitForExit(timeout: timeout) }

    /// Kills the process if it still runs and waits for it (cleanup on any path).
    func kill9() async { await child.kill9() }
}
