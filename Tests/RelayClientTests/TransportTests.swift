import Foundation
import RelayProtocol
import Sodium
import Testing

@testable import RelayClient

/// What a duty officer sees when the relay cannot be reached or the client
/// is set up wrongly: checked against real sockets and real files.
@Suite struct TransportTests {
    @Test(arguments: ["http", "https"])
    func closedPortIsUnreachableWithConnectionRefused(scheme: String) async throws {
        let port = try await Listeners.closedPort()
        let url = try #require(URL(string: "\(scheme)://127.0.0.1:\(port)"))
        let started = ContinuousClock.now
        let error = try await RelayHTTP.withClient(baseURL: url, trust: .systemStore) { http in
            let client = RelayAPIClient(http: http)
            return await #expect(throws: RelayClientError.self) { try await client.directory(token: "secret-token-123") }
        }
        let failure = try #require(error)
        guard case .unreachable(let why) = failure.kind else {
            Issue.record("expected .unreachable, got \(failure.kind)")
            return
        }
        #expect(why.contains("connection refused"))
        #expect(failure.status == nil)
        #expect(failure.description.hasPrefix("cannot reach the relay at \(scheme)://127.0.0.1:\(port)"))
        #expect(failure.description.contains("connection refused"))
        #expect(!failure.description.contains("secret-token-123"))
        // No retry loop: a refused connection is reported well before the 30 s request timeout
        // (the bound is generous: this is a behaviour check, not a speed measurement).
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func healthOnClosedPortThrowsRatherThanAnsweringFalse() async throws {
        let port = try await Listeners.closedPort()
        let url = try #require(URL(string: "http://localhost:\(port)/"))
        try await RelayHTTP.withClient(baseURL: url, trust: .systemStore) { http in
            #expect(http.baseURL == "http://localhost:\(port)")
            await #expect(throws: RelayClientError.self) { _ = try await RelayAPIClient(http: http).health() }
        }
    }

    @Test func silentRelayTimesOutWithTheLimitInTheMessage() async throws {
        try await Listeners.withSilentListener { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let http = try RelayHTTP(baseURL: url, trust: .systemStore)
            let client = RelayAPIClient(http: http, requestTimeout: .seconds(1))
            let error = await #expect(throws: RelayClientError.self) { try await client.relayInfo() }
            try await client.shutdown()
            let failure = try #require(error)
            guard case .unreachable(let why) = failure.kind else {
                Issue.record("expected .unreachable, got \(failure.kind)")
                return
            }
            #expect(why == "no answer within 1 s")
            #expect(failure.description.contains("GET /v1/relay"))
        }
    }

    @Test func missingCAFileIsAClearConfigurationError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-ca-\(UUID().uuidString).pem").path
        let url = try #require(URL(string: "https://relay.example"))
        let error = #expect(throws: RelayClientError.self) { _ = try RelayHTTP(baseURL: url, trust: .caFile(path)) }
        let failure = try #require(error)
        guard case .badConfiguration(let why) = failure.kind else {
            Issue.record("expected .badConfiguration, got \(failure.kind)")
            return
        }
        #expect(why == "CA file \(path) does not exist")
        #expect(failure.description == "cannot use the relay at https://relay.example: CA file \(path) does not exist")
    }

    @Test(arguments: ["not a certificate\n", "", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
    func nonPEMCAFileIsAClearConfigurationError(content: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-ca-\(UUID().uuidString).pem").path
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let url = try #require(URL(string: "https://relay.example"))
        let error = #expect(throws: RelayClientError.self) { _ = try RelayHTTP(baseURL: url, trust: .caFile(path)) }
        let failure = try #require(error)
        guard case .badConfiguration(let why) = failure.kind else {
            Issue.record("expected .badConfiguration, got \(failure.kind)")
            return
        }
        #expect(why.hasPrefix("CA file \(path) holds no PEM certificate"))
    }

    @Test func directoryAsCAFileIsRefused() throws {
        let url = try #require(URL(string: "https://relay.example"))
        let path = FileManager.default.temporaryDirectory.path
        let error = #expect(throws: RelayClientError.self) { _ = try RelayHTTP(baseURL: url, trust: .caFile(path)) }
        #expect(error?.description.contains("is a directory") == true)
    }

    @Test func systemStoreLoadsAndShutsDown() async throws {
        let url = try #require(URL(string: "https://relay.example:8443/prefix/"))
        let http = try RelayHTTP(baseURL: url, trust: .systemStore)
        #expect(http.baseURL == "https://relay.example:8443/prefix")
        #expect(http.responseBodyLimit == 8 * 1024 * 1024)
        try await http.shutdown()
    }

    @Test func sessionLoginFailureSaysWhereItFailed() async throws {
        let port = try await Listeners.closedPort()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)"))
        try await RelayHTTP.withClient(baseURL: url, trust: .systemStore) { http in
            let session = RelaySession(
                api: RelayAPIClient(http: http), identity: SigningKeyPair(), pocID: try POCID("FRA-TEC-1"),
                relayID: "00112233445566778899AABBCCDDEEFF")
            let viaWrapper = await #expect(throws: RelayClientError.self) { try await session.inbox(wait: 0, limit: 1) }
            #expect(viaWrapper?.context == "POST /v1/auth/challenge")
            var calls = 0
            await #expect(throws: RelayClientError.self) {
                try await session.withToken { _ in calls += 1 }
            }
            #expect(calls == 0)
        }
    }

    @Test func pathMustStartWithSlash() async throws {
        let url = try #require(URL(string: "http://127.0.0.1:9"))
        try await RelayHTTP.withClient(baseURL: url, trust: .systemStore) { http in
            let error = await #expect(throws: RelayClientError.self) {
                _ = try await http.send(method: "GET", path: "v1/relay", body: nil, timeout: .seconds(1))
            }
            guard case .invalidRequest = error?.kind else {
                Issue.record("expected .invalidRequest")
                return
            }
        }
    }
}
