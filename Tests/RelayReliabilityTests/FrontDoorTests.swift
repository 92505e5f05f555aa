import Foundation
import NIOCore
import NIOPosix
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the relay answers below its routes: requests its HTTP parser refuses
/// (raw bytes over TLS), and a `serve` whose port another process holds.
@Suite("The front door: parser refusals as problems, a port in use in one line")
struct FrontDoorTests {
    /// Sends `head` (and no more) over a fresh TLS connection and returns
    /// what the relay answered before it closed the connection.
    static func answer(to head: [UInt8], port: Int, from source: String) async throws -> String {
        let connection = try await RawConnection.open(port: port, from: source, tls: true)
        #expect(await connection.write(head))
        let closed = await connection.waitClosed(timeout: .seconds(15))
        #expect(closed, "the relay kept a connection open after refusing its request")
        await connection.close()
        return connection.text
    }

    @Test(
        "conflicting Content-Length, Content-Length with Transfer-Encoding and NUL in a header get a problem+json 400, then close",
        arguments: [
            ("conflicting Content-Length", "Content-Length: 2\r\nContent-Length: 3\r\n", "Content-Length twice"),
            ("Content-Length with Transfer-Encoding", "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", "Transfer-Encoding"),
            ("NUL in a header", "X-Note: a\u{0}b\r\nContent-Length: 2\r\n", "NUL"),
            ("Content-Length not a number", "Content-Length: 2x\r\n", "decimal number"),
        ])
    func parserRefusals(name: String, headers: String, says: String) async throws {
        try await withRelay { relay, api in
            let head = Array("POST /v1/auth/challenge HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\(headers)\r\n{}".utf8)
            let text = try await Self.answer(to: head, port: relay.baseURL.port ?? 0, from: "127.0.0.21")
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(name): \(text)")
            let parts = text.components(separatedBy: "\r\n\r\n")
            let fields = parts[0].lowercased().components(separatedBy: "\r\n")
            #expect(fields.contains("content-type: application/problem+json"), "\(name): \(parts[0])")
            #expect(fields.contains("connection: close"), "\(name): \(parts[0])")
            let body = Data((parts.count > 1 ? parts[1] : "").utf8)
            let problem = try WireJSON.decode(Problem.self, from: body)
            #expect(problem.status == 400)
            #expect(problem.type == "urn:poc-relay:problem:malformed-request")
            #expect(problem.detail.contains(says), "\(name): \(problem.detail)")
            #expect(fields.contains("content-length: \(body.count)"), "\(name): \(parts[0])")
            // The relay serves the next client as before.
            #expect(try await api.health())
        }
    }

    @Test("serve on a port another process listens on says so in one line and exits 75, before opening anything")
    func portInUse() async throws {
        let directory = try TemporaryDirectory(prefix: "poc-relay-port")
        defer { directory.remove() }
        let data = directory.file("data")
        #expect(try await RelayProcess.run(["init", "--data-dir", data]).status == 0)
        let holder = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(holder.localAddress?.port)
        let certificates = try DevCertificates.shared.get()
        let tls = ["--tls-cert", certificates.server.certificateChainPath, "--tls-key", certificates.server.privateKeyPath]
        let relay = try await RelayProcess.run(["serve", "--data-dir", data, "--port", String(port)] + tls)
        #expect(relay.status == 75)
        #expect(relay.stderr == "poc-relay: error: port \(port) on 127.0.0.1 is already in use\n", "\(relay.stderr)")
        #expect(relay.stdout.isEmpty, "\(relay.stdout)")
        // The metrics port is checked alike.
        let metrics = try await RelayProcess.run(["serve", "--data-dir", data, "--port", "0", "--metrics-port", String(port)] + tls)
        #expect(metrics.status == 75)
        #expect(metrics.stderr == "poc-relay: error: port \(port) on 127.0.0.1 is already in use\n", "\(metrics.stderr)")
        try await holder.close()
    }
}
