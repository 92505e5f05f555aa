import Foundation
import RelayServer
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The limits reach the real binary: `poc-relay serve` flags and config keys.
@Suite("poc-relay serve: connection limits from flags and the config file")
struct ServeConfigurationTests {
    @Test("a misspelt config key is refused, not silently ignored")
    func misspeltKey() async throws {
        let directory = try TemporaryDirectory(prefix: "poc-relay-config")
        defer { directory.remove() }
        let data = directory.file("data")
        #expect(try await RelayProcess.run(["init", "--data-dir", data]).status == 0)
        let config = directory.file("relay.json")
        _ = FileManager.default.createFile(atPath: config, contents: Data(#"{"max_connection": 10, "port": 0}"#.utf8))
        let certificates = try DevCertificates.shared.get()
        let result = try await RelayProcess.run([
            "serve", "--data-dir", data, "--config", config, "--tls-cert", certificates.server.certificateChainPath, "--tls-key",
            certificates.server.privateKeyPath,
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("max_connection"), "\(result.stderr)")
    }

    @Test("--max-connections-per-address and request_head_timeout_seconds hold in the real binary")
    func limitsReachTheBinary() async throws {
        let directory = try TemporaryDirectory(prefix: "poc-relay-config")
        defer { directory.remove() }
        let data = directory.file("data")
        #expect(try await RelayProcess.run(["init", "--data-dir", data]).status == 0)
        let config = directory.file("relay.json")
        _ = FileManager.default.createFile(atPath: config, contents: Data(#"{"request_head_timeout_seconds": 2}"#.utf8))
        let certificates = try DevCertificates.shared.get()
        let (server, port) = try await RelayProcess.serve(
            dataDirectory: data, certificate: certificates.server.certificateChainPath, key: certificates.server.privateKeyPath,
            extra: ["--config", config, "--max-connections-per-address", "1"])
        defer { server.send(SIGKILL) }
        let first = try await RawConnection.open(port: port, from: "127.0.0.7", tls: false)
        try await Task.sleep(for: .milliseconds(300))
        let second = try await RawConnection.open(port: port, from: "127.0.0.7", tls: false)
        #expect(await second.waitClosed(timeout: .seconds(10)), "a second connection from one address stayed open")
        #expect(await first.waitClosed(timeout: .seconds(15)), "a connection that never sent a request stayed open")
        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: .seconds(20)) == 0)
    }
}
