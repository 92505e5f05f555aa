import Foundation
import ProcessLaunch
import RelayServer
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `poc watch` while the relay goes away and comes back. The relay is a
/// `poc-relay serve` child, not an in-process relay: a child started by
/// this test process would inherit an in-process relay's listening socket
/// and keep the port open after the relay stopped.
@Suite("poc watch through a relay restart (the built binaries)", .timeLimit(.minutes(4)))
struct PocWatchReconnectTests {
    /// `poc-relay serve` on `port` (0: a free one); the child and the port it announced.
    static func serve(_ data: String, port: Int) async throws -> (ChildProcess, Int) {
        let tls = try DevCertificates.shared.get().server
        let server = try ChildProcess(
            executable: try BuiltProduct.pocRelay().url.path,
            arguments: [
                "serve", "--data-dir", data, "--host", "127.0.0.1", "--port", String(port), "--tls-cert", tls.certificateChainPath, "--tls-key",
                tls.privateKeyPath, "--log-level", "warning",
            ],
            environment: BuiltProduct.childEnvironment())
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, server.isRunning {
            let stderr = String(decoding: server.standardError, as: UTF8.self)
            if let announced = AnnouncedPort.find(in: stderr, after: AnnouncedPort.serving) { return (server, announced) }
            try await Task.sleep(for: .milliseconds(50))
        }
        await server.kill9()
        throw ServeDidNotStart(stderr: String(decoding: server.standardError, as: UTF8.self))
    }

    struct ServeDidNotStart: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "poc-relay serve did not start:\n\(stderr)" }
    }

    @Test("watch says the relay is unreachable, then that it is reachable again, and prints the message sent after the restart")
    func relayBack() async throws {
        let poc = try BuiltProduct.named("poc")
        let tool = try BuiltProduct.pocRelay()
        let root = try TemporaryDirectory(prefix: "poc-watch-restart")
        defer { root.remove() }
        let data = root.file("data")
        let initialised = try await tool.run(["init", "--data-dir", data], environment: BuiltProduct.childEnvironment())
        try #require(initialised.status == 0, "\(initialised)")
        let relayID = try #require(initialised.standardOutput.firstMatch(of: /Relay id: ([0-9A-F]{32})/).map { String($0.1) })
        let passphrase = root.file("passphrase")
        try Data("a long enough passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
        let environment = BuiltProduct.childEnvironment(["POC_PASSPHRASE_FILE": passphrase, "POC_INSECURE_FAST_KDF": "1", "HOME": root.path])
        func run(_ home: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> BuiltProduct.Run {
            try await poc.run(arguments + ["--home", root.file(home)], environment: environment, timeout: timeout)
        }

        var (server, port) = try await Self.serve(data, port: 0)
        defer { server.send(SIGKILL) }
        let ca = try DevCertificates.shared.get().caFile
        for (home, state) in [("fra", "FRA"), ("deu", "DEU")] {
            let initialised = try await run(home, ["init", "--server", "https://127.0.0.1:\(port)", "--ca", ca, "--relay-fingerprint", relayID])
            try #require(initialised.status == 0, "\(initialised)")
            let invited = try await tool.run(
                ["invite", "--data-dir", data, "--state", state, "--role", "technical"], environment: BuiltProduct.childEnvironment())
            let token = try #require(invited.standardOutput.split(separator: "\n").last.map(String.init), "\(invited)")
            let enrolled = try await run(
                home, ["enrol", "--token", token, "--entity", "CERT \(state)", "--email", "\(home)@example.org", "--entry-language", "en"])
            try #require(enrolled.status == 0, "\(enrolled)")
        }

        let watching = Task { try await run("fra", ["watch", "--count", "1", "--seconds", "150"], timeout: .seconds(200)) }
        try await Task.sleep(for: .seconds(3))
        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: .seconds(30)) != nil, "serve stops on SIGTERM")
        try await Task.sleep(for: .seconds(4))  // down for a few retries
        (server, port) = try await Self.serve(data, port: port)  // the same data, key and port
        let sent = try await run("deu", ["send", "--to", "FRA-TEC-1", "--subject", "after the restart", "--body", "b"])
        #expect(sent.status == 0, "\(sent)")

        let watched = try await watching.value
        #expect(watched.status == 0, "\(watched)")
        let errors = watched.standardError
        let down = try #require(errors.range(of: "poc: relay unreachable; retrying in "), "\(watched)")
        let back = try #require(errors.range(of: "poc: relay reachable again\n"), "\(watched)")
        #expect(down.lowerBound < back.lowerBound, "\(watched)")
        #expect(watched.standardOutput.contains("after the restart"), "\(watched)")
        #expect(watched.standardOutput.split(separator: "\n").count == 1, "\(watched)")
        server.send(SIGTERM)
        _ = await server.waitForExit(timeout: .seconds(30))
    }
}
