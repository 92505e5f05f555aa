import Foundation
import ProcessLaunch
import RelayClient
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built `poc-relay` to completion.
func pocRelay(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> BuiltProduct.Run {
    try await BuiltProduct.pocRelay().run(arguments, environment: BuiltProduct.childEnvironment(), timeout: timeout)
}

extension BuiltProduct.Run {
    /// Non-empty lines of standard error.
    var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }
}

/// A `poc-relay serve` child process, for what only a separate process shows
/// (the data directory's lock, start-up refusals).
final class ServeProcess: Sendable {
    let child: ChildProcess

    init(_ arguments: [String]) throws {
        child = try ChildProcess(
            executable: try BuiltProduct.pocRelay().url.path, arguments: ["serve"] + arguments,
            environment: BuiltProduct.childEnvironment(), standardOutput: .discard)
    }

    /// Standard error so far.
    var standardError: String { String(decoding: child.standardError, as: UTF8.self) }

    /// Waits until standard error says it serves (true) or the process ends (false).
    func waitUntilServing(timeout: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if standardError.contains("poc-relay: serving") { return true }
            if !child.isRunning { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Stops it with SIGTERM and waits; SIGKILL after `timeout`.
    func stop(timeout: Duration = .seconds(10)) async {
        child.send(SIGTERM)
        if await child.waitForExit(timeout: timeout) == nil { await child.kill9() }
    }
}

/// A file's permission bits.
func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return try #require(attributes[.posixPermissions] as? NSNumber).intValue & 0o777
}
