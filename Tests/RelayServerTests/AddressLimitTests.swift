import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Testing

/// docs/protocol.md section 5, parsing rules: unauthenticated and failed requests
/// count against the caller's address before any credential is checked;
/// `GET /healthz` is never rate limited; a detail echoes at most 64
/// characters of what the client sent.
@Suite("Rate limits before credentials, and bounded echoes")
struct AddressLimitTests {
    /// A well-formed session token no relay issued.
    static func guessedToken() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    @Test("a flood of guessed tokens from one address is answered 429; that address's POC and /healthz are still served")
    func guessedTokenFlood() async throws {
        // The default burst, refilled slowly enough that a loaded machine's
        // pauses cannot refill the bucket between the flood and the checks.
        try await withRelay(configure: { $0.rateLimits.publicPerSecond = 0.05 }) { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let fraToken = try await fra.session.token()  // issued, not used before the flood
            let deuToken = try await deu.session.token()
            #expect(try await api.raw("GET", "/v1/pings", token: deuToken).status == 200)  // used before the flood

            var statuses: [Int: Int] = [:]
            var retryAfter: [String] = []
            for _ in 0..<50 {
                let answers = try await withThrowingTaskGroup(of: RawResponse.self) { group in
                    for _ in 0..<8 { group.addTask { try await api.raw("GET", "/v1/directory", token: Self.guessedToken()) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for answer in answers {
                    statuses[answer.status, default: 0] += 1
                    if answer.status == 429 {
                        retryAfter.append(answer.header("Retry-After") ?? "")
                        _ = try answer.problem()
                    }
                }
            }
            #expect(statuses[401, default: 0] > 0, "\(statuses)")
            #expect(statuses[429, default: 0] > 0, "400 guessed tokens and no 429: \(statuses)")
            #expect(statuses.keys.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses)")
            #expect(retryAfter.allSatisfy { (Int($0) ?? 0) >= 1 }, "\(retryAfter.prefix(3))")

            // The flood's address is out of tokens now, yet:
            #expect(try await api.raw("GET", "/v1/directory", token: Self.guessedToken()).status == 429)
            for _ in 0..<3 { #expect(try await api.raw("GET", "/healthz").status == 200) }
            #expect(try await api.raw("GET", "/v1/directory", token: fraToken).status == 200)
            #expect(try await api.raw("GET", "/v1/directory", token: deuToken).status == 200)
        }
    }

    @Test("valid sessions do not draw from the address bucket; a guess is refused before lookup once it is empty")
    func validTrafficIsNotCountedAgainstTheAddress() async throws {
        try await withRelay(configure: {
            $0.rateLimits.publicPerSecond = 0.001
            $0.rateLimits.publicBurst = 3
        }) { relay, api in
            // Enrolment, challenge and session: the address's three tokens.
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let token = try await fra.session.token()
            #expect(try await api.raw("POST", "/v1/auth/challenge", json: ChallengeRequest(pocID: fra.id.rawValue)).status == 429)
            var statuses: [Int] = []
            for _ in 0..<10 { statuses.append(try await api.raw("GET", "/v1/pings", token: token).status) }
            #expect(statuses == Array(repeating: 200, count: 10))
            let guess = try await api.raw("GET", "/v1/pings", token: Self.guessedToken())
            #expect(guess.status == 429)
            #expect(try guess.problem().type == "urn:poc-relay:problem:rate-limited")
            #expect(try await api.raw("GET", "/v1/pings").status == 429)  // no credentials at all
            #expect(try await api.raw("GET", "/v1/no-such-route").status == 429)  // scanning counts too
            #expect(try await api.raw("GET", "/healthz").status == 200)
            #expect(try await api.raw("GET", "/v1/pings", token: token).status == 200)
        }
    }

    @Test("failed authentications spend the address's budget: 401 until it is gone, then 429")
    func failuresSpendTheBudget() async throws {
        try await withRelay(configure: {
            $0.rateLimits.publicPerSecond = 0.001
            $0.rateLimits.publicBurst = 4
        }) { relay, api in
            var statuses: [Int] = []
            for _ in 0..<6 { statuses.append(try await api.raw("GET", "/v1/inbox", token: Self.guessedToken()).status) }
            #expect(statuses == [401, 401, 401, 401, 429, 429])
        }
    }

    @Test("behind a trusted proxy, failed authentications count against the forwarded client, not the proxy")
    func failuresPerForwardedClient() async throws {
        try await withRelay(configure: {
            $0.rateLimits.publicPerSecond = 0.001
            $0.rateLimits.publicBurst = 2
            $0.trustedProxies = ["127.0.0.1"]
        }) { relay, api in
            var statuses: [Int] = []
            for hop in ["192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2"] {
                let headers = [("Authorization", "Bearer \(Self.guessedToken())"), ("X-Forwarded-For", hop)]
                statuses.append(try await api.http.send(method: "GET", path: "/v1/pings", body: nil, headers: headers, timeout: .seconds(10)).status)
            }
            #expect(statuses == [401, 401, 429, 401])
        }
    }

    @Test("an unknown route's problem echoes at most 64 characters of the path")
    func longPathIsNotEchoed() async throws {
        try await withRelay { relay, api in
            let path = "/" + String(repeating: "a", count: 5_000)
            let response = try await api.raw("GET", path)
            #expect(response.status == 404)
            let problem = try response.problem()
            #expect(response.body.count < 600, "a \(response.body.count)-byte problem body")
            let echoed = problem.detail.split(separator: " ").map { $0.filter { $0 == "a" }.count }.max() ?? 0
            #expect(echoed <= 64, "\(problem.detail)")
            #expect(problem.detail.count < 200, "\(problem.detail)")
        }
    }
}
