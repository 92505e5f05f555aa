import Foundation
import Logging
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

@Suite("Errors, rate limits and proxies")
struct AbuseTests {
    @Test("unknown routes, wrong methods and unreadable bodies get problem+json, never a bare error")
    func problemsEverywhere() async throws {
        try await withRelay { relay, api in
            for (method, path) in [("GET", "/v1/nothing"), ("DELETE", "/v1/relay"), ("GET", "/v1/messages/x/y/z"), ("POST", "/")] {
                let response = try await api.raw(method, path)
                #expect((400..<500).contains(response.status), "\(method) \(path)")
                let problem = try response.problem()
                #expect(!problem.detail.contains("Error:"), "leaks internals: \(problem.detail)")
            }
            let notUTF8 = try await api.raw("POST", "/v1/auth/challenge", bytes: Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]))
            #expect(notUTF8.status == 400)
            let wrongType = try await api.raw("POST", "/v1/auth/challenge", bytes: Data("{\"poc_id\": 42}".utf8))
            #expect(wrongType.status == 400)
            #expect(try wrongType.problem().detail.contains("poc_id"))
            // The relay keeps serving.
            #expect(try await api.health())
        }
    }

    @Test("the public endpoints are rate limited per client address, with Retry-After")
    func publicRateLimit() async throws {
        try await withRelay(configure: {
            $0.rateLimits.publicPerSecond = 0.001
            $0.rateLimits.publicBurst = 3
        }) { relay, api in
            var statuses: [Int] = []
            var retryAfter: String?
            for _ in 0..<5 {
                let response = try await api.raw("POST", "/v1/auth/challenge", json: ChallengeRequest(pocID: "FRA-TEC-1"))
                statuses.append(response.status)
                if response.status == 429 {
                    retryAfter = response.header("Retry-After")
                    _ = try response.problem()
                }
            }
            #expect(statuses == [200, 200, 200, 429, 429])
            #expect(Int(retryAfter ?? "") ?? 0 >= 1)
        }
    }

    @Test("X-Forwarded-For counts only from a trusted proxy")
    func forwardedFor() async throws {
        // Untrusted: the header is ignored, so all requests share the peer's bucket.
        try await withRelay(configure: {
            $0.rateLimits.publicPerSecond = 0.001
            $0.rateLimits.publicBurst = 2
        }) { relay, api in
            var statuses: [Int] = []
            for hop in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
                let response = try await api.http.send(
                    method: "GET", path: "/v1/relay", body: nil, headers: [("X-Forwarded-For", hop)], timeout: .seconds(5))
                statuses.append(response.status)
            }
            #expect(statuses == [200, 200, 429])
        }
        // Trusted: each forwarded client has its own bucket.
        try await withRelay(configure: {
            $0.rateLimits.publicPerSecond = 0.001
            $0.rateLimits.publicBurst = 2
            $0.trustedProxies = ["127.0.0.1"]
        }) { relay, api in
            var statuses: [Int] = []
            for hop in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.1", "192.0.2.1"] {
                let response = try await api.http.send(
                    method: "GET", path: "/v1/relay", body: nil, headers: [("X-Forwarded-For", "198.51.100.7, \(hop)")], timeout: .seconds(5))
                statuses.append(response.status)
            }
            #expect(statuses == [200, 200, 200, 200, 429])
        }
    }

    @Test("authenticated endpoints are rate limited per POC, not per address")
    func pocRateLimit() async throws {
        try await withRelay(configure: {
            $0.rateLimits.pocPerSecond = 0.01
            $0.rateLimits.pocBurst = 3
        }) { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let fraToken = try await fra.session.token()
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await api.raw("GET", "/v1/pings", token: fraToken).status) }
            #expect(statuses == [200, 200, 200, 429])
            // Another POC from the same address is not affected.
            #expect(try await api.raw("GET", "/v1/pings", token: try await deu.session.token()).status == 200)
        }
    }

    @Test("plain HTTP is refused off loopback")
    func plainHTTPOnlyOnLoopback() throws {
        var configuration = RelayServerConfiguration()
        configuration.host = "0.0.0.0"
        configuration.tls = nil
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try RelayStore(path: directory.file("relay.sqlite"))
        let service = RelayService(store: store, relayKey: SigningKeyPair())
        #expect(throws: RelayStartupError.self) {
            _ = try buildApplication(service: service, configuration: configuration, logger: .init(label: "t"))
        }
        try store.close()
    }
}
