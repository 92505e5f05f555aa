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

/// Runs `poc-relay` with `arguments` in `workingDirectory`, killing it after `timeout`.
///
/// The blocking reads and waits happen on a thread of their own, never on the
/// cooperative pool (two threads on a two-core machine).
func runCLI(_ arguments: [String], in workingDirectory: String, timeout: TimeInterval = 15) async throws -> CLIResult {
    let executable = try PocRelayBinary.url()
    return try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(
                    returning: try runBlocking(executable: executable, arguments, in: workingDirectory, timeout: timeout))
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}

private func runBlocking(executable: URL, _ arguments: [String], in workingDirectory: String, timeout: TimeInterval) throws -> CLIResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
    process.environment = cliEnvironment()
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let stdoutData = LockedData(), stderrData = LockedData()
    let readers = DispatchGroup()
    try process.runSerialized()
    for (pipe, sink) in [(out, stdoutData), (err, stderrData)] {
        readers.enter()
        Thread {
            sink.append(pipe.fileHandleForReading.readToEndRetryingInterrupts())
            readers.leave()
        }.start()
    }
    let exited = DispatchSemaphore(value: 0)
    Thread {
        process.waitUntilExit()
        exited.signal()
    }.start()
    var timedOut = false
    if exited.wait(timeout: .now() + timeout) == .timedOut {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
        exited.wait()
    }
    // A grandchild holding the pipes open (a crash reporter) must not hang the test.
    _ = readers.wait(timeout: .now() + 3)
    return CLIResult(
        arguments: arguments, status: process.terminationStatus, stdout: String(decoding: stdoutData.value, as: UTF8.self),
        stderr: String(decoding: stderrData.value, as: UTF8.self), timedOut: timedOut)
}

/// The environment of `poc-relay` runs: ours, without the Swift backtracer
/// (a crash then ends at once instead of spending seconds symbolicating).
func cliEnvironment() -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    return environment
}

/// A long-running `poc-relay serve`: standard error is collected as it comes.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    private let stderrData = LockedData()
    private let stdoutData = LockedData()
    private let readersDone = DispatchGroup()

    /// Starts `poc-relay` with `arguments`.
    init(_ arguments: [String], in workingDirectory: String) throws {
        process.executableURL = try PocRelayBinary.url()
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        process.environment = cliEnvironment()
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.runSerialized()
        for (pipe, sink) in [(out, stdoutData), (err, stderrData)] {
            readersDone.enter()
            let group = readersDone
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

    var stderr: String { String(decoding: stderrData.value, as: UTF8.self) }
    var stdout: String { String(decoding: stdoutData.value, as: UTF8.self) }

    /// Polls standard error until `match` finds something, the process exits, or `timeout` passes.
    func waitForStderr<T>(timeout: Duration, _ match: (String) -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = match(stderr) { return found }
            if !process.isRunning { return match(stderr) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return match(stderr)
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Waits up to `timeout` for the process to exit; its status, or nil if still running.
    func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(25))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills the process if it still runs and waits for it (cleanup on any path).
    func kill9() async {
        send(SIGKILL)
        _ = try? await waitForExit(timeout: .seconds(5))
    }
}

/// Thread-safe bytes.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var value: Data { lock.withLock { data } }
}
