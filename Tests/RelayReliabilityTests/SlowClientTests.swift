import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Sodium
import Testing

/// Slow and abusive clients come from other loopback addresses (127.0.0.2...),
/// honest ones from 127.0.0.1. Nothing is measured: the tests check that the
/// relay cuts the abusers off in the end and serves the others meanwhile.
@Suite("Slow and abusive clients are bounded and others are served meanwhile")
struct SlowClientTests {
    /// An honest POC's round trip: health (a public endpoint), submit, inbox, receipt.
    static func honestRoundTrip(
        _ relay: LiveRelay, _ api: RelayAPIClient, _ from: TestPOC, _ to: TestPOC, checkHealth: Bool = true
    ) async throws {
        if checkHealth { #expect(try await api.health()) }
        let envelope = try from.seal(to: [to], body: "served during an attack")
        #expect(try await from.session.submit(envelope).created)
        let message = try #require(try await to.session.inbox(wait: 5, limit: 10).messages.first { $0.id == envelope.id })
        try await to.session.sendReceipt(for: message)
    }

    static func port(_ relay: LiveRelay) -> Int { relay.baseURL.port ?? 0 }

    @Test("slow-loris connections (headers a byte at a time, or nothing at all) are closed, and honest clients are served meanwhile")
    func slowLoris() async throws {
        try await withRelay(configure: {
            $0.requestHeadTimeoutSeconds = 5  // wide enough for an honest TLS handshake on a loaded 2-core machine
            $0.maxConnectionsPerAddress = 8
        }) { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            var opened: [RawConnection] = []
            for index in 0..<12 {  // more than the address may hold: 8 trickle, 4 are refused
                opened.append(try await RawConnection.open(port: Self.port(relay), from: "127.0.0.2", tls: true))
                if index < 4 { opened.append(try await RawConnection.open(port: Self.port(relay), from: "127.0.0.3", tls: false)) }
            }
            let abusers = opened
            let head = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 200)
            let trickle = Task {
                for byte in head {
                    for connection in abusers { await connection.write([byte]) }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            try await Self.honestRoundTrip(relay, api, fra, deu)
            let closed = await eventually(timeout: .seconds(20)) { abusers.allSatisfy { !$0.isOpen } }
            #expect(closed, "\(abusers.filter(\.isOpen).count) slow connections were never closed")
            #expect(abusers.allSatisfy { !$0.text.contains("200 OK") }, "a slow request was answered")
            trickle.cancel()
            try await Self.honestRoundTrip(relay, api, deu, fra)
        }
    }

    @Test("a request body sent a byte at a time is cut off")
    func slowBody() async throws {
        try await withRelay(configure: { $0.requestBodyTimeoutSeconds = 5 }) { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let connection = try await RawConnection.open(port: Self.port(relay), from: "127.0.0.4", tls: true)
            await connection.write(
                Array("POST /v1/auth/challenge HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{".utf8))
            let trickle = Task {
                for _ in 0..<200 {
                    guard await connection.write(Array(" ".utf8)) else { return }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            try await Self.honestRoundTrip(relay, api, fra, deu)
            #expect(await connection.waitClosed(timeout: .seconds(20)), "the slow body was never cut off")
            trickle.cancel()
            #expect(try await api.health())
        }
    }

    @Test("one address cannot hold more than its share of connections; another address is served")
    func connectionsPerAddress() async throws {
        try await withRelay(configure: {
            $0.maxConnectionsPerAddress = 2
            $0.requestHeadTimeoutSeconds = 60
        }) { relay, api in
            let first = try await RawConnection.open(port: Self.port(relay), from: "127.0.0.5", tls: false)
            let second = try await RawConnection.open(port: Self.port(relay), from: "127.0.0.5", tls: false)
            #expect(try await api.health())  // the relay has accepted both by now
            let third = try await RawConnection.open(port: Self.port(relay), from: "127.0.0.5", tls: false)
            #expect(await third.waitClosed(timeout: .seconds(10)), "the third connection of one address stayed open")
            #expect(first.isOpen && second.isOpen)
            let other = try await RawConnection.open(port: Self.port(relay), from: "127.0.0.6", tls: true)
            await other.write(Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
            _ = await other.waitClosed(timeout: .seconds(10))
            #expect(other.text.hasPrefix("HTTP/1.1 200"), "\(other.text.prefix(100))")
            #expect(try await api.health())
            await first.close()
            await second.close()
        }
    }

    @Test("a flood of idle connections past the connection limit waits its turn; honest clients are still served")
    func connectionFlood() async throws {
        try await withRelay(configure: {
            $0.maxConnections = 24
            $0.maxConnectionsPerAddress = 0
            $0.requestHeadTimeoutSeconds = 5  // wide enough for an honest TLS handshake on a loaded 2-core machine
        }) { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            var flood: [RawConnection] = []
            for index in 0..<60 {
                flood.append(try await RawConnection.open(port: Self.port(relay), from: "127.0.0.\(10 + index % 6)", tls: false))
            }
            let idle = flood
            try await Self.honestRoundTrip(relay, api, fra, deu)
            let closed = await eventually(timeout: .seconds(30)) { idle.allSatisfy { !$0.isOpen } }
            #expect(closed, "\(idle.filter(\.isOpen).count) flood connections were never closed")
            try await Self.honestRoundTrip(relay, api, deu, fra)
        }
    }

    @Test("a flood of requests from one address is rate limited with Retry-After; a logged-in POC is still served")
    func requestFlood() async throws {
        try await withRelay(configure: {
            $0.rateLimits.publicPerSecond = 5
            $0.rateLimits.publicBurst = 10
        }) { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            _ = try await fra.session.token()
            _ = try await deu.session.token()
            let flooder = try relay.client()
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<120 {
                    group.addTask {
                        let response = try await flooder.send(RawRequest("POST", "/v1/auth/challenge", body: JSONBody.data(["poc_id": "FRA-TEC-1"])))
                        return (response.status, response.header("Retry-After"))
                    }
                }
                var all: [(Int, String?)] = []
                for try await status in group { all.append(status) }
                return all
            }
            try await flooder.shutdown()
            #expect(statuses.contains { $0.0 == 429 })
            #expect(statuses.allSatisfy { $0.0 == 200 || ($0.0 == 429 && Int($0.1 ?? "") ?? 0 >= 1) })
            // Public endpoints share the flooder's address bucket; a logged-in POC has its own.
            try await Self.honestRoundTrip(relay, api, fra, deu, checkHealth: false)
        }
    }
}
