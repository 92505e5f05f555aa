import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Sodium
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A data directory with a config file for `poc-relay serve` over HTTPS
/// (the dev certificates), as the alert tests run it: the real binary as a
/// child process, restarted or killed as a test needs.
struct AlertHost: Sendable {
    let directory: TemporaryDirectory
    /// The relay id `init` printed.
    let relayID: String

    var data: String { directory.file("data") }
    var configFile: String { directory.file("config.json") }

    /// `poc-relay init` in `directory`, and `config` written as the config file.
    static func prepare(_ directory: TemporaryDirectory, config: [String: any Sendable]) async throws -> AlertHost {
        let json = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
        try json.write(to: URL(fileURLWithPath: directory.file("config.json")))
        let result = try await runCLI(["init", "--data-dir", directory.file("data")], in: directory.path)
        try #require(result.status == 0, "\(result)")
        let match = try #require(result.stdout.firstMatch(of: /Relay id: ([0-9A-F]{32})/), "\(result)")
        return AlertHost(directory: directory, relayID: String(match.1))
    }

    /// The config every alert test starts from: loopback webhooks allowed,
    /// FLASH alerting at once, nothing else alerting unless `overrides` says.
    static func config(_ overrides: [String: any Sendable] = [:]) -> [String: any Sendable] {
        let base: [String: any Sendable] = [
            "alerts_allow_loopback_http": true,
            "alert_after_seconds": ["flash": 0, "immediate": NSNull(), "priority": NSNull(), "routine": NSNull()] as [String: any Sendable],
            "alert_from": "POC Relay Test <alerts@relay.example>",
            "alert_retry_first_seconds": 1,
        ]
        return base.merging(overrides) { $1 }
    }

    /// A `poc-relay serve` child on a free port, once it serves; its base URL.
    func serve() async throws -> (ServerProcess, URL) {
        let files = try DevCertificates.shared.get()
        let server = try ServerProcess(
            [
                "serve", "--data-dir", data, "--config", configFile, "--port", "0", "--tls-cert", files.server.certificateChainPath,
                "--tls-key", files.server.privateKeyPath, "--log-level", "warning",
            ], in: directory.path)
        let port = try await server.waitForStderr(timeout: .seconds(60)) { AnnouncedPort.find(in: $0, after: AnnouncedPort.serving) }
        guard let port, let url = URL(string: "https://127.0.0.1:\(port)") else {
            await server.kill9()
            throw ServeDidNotStart(stderr: server.stderr)
        }
        return (server, url)
    }

    /// Runs `body` with a serving relay and a client for it; the relay is
    /// stopped (SIGTERM, then SIGKILL) afterwards whatever happens.
    func withServe<T: Sendable>(_ body: (ServerProcess, RelayAPIClient) async throws -> T) async throws -> T {
        let (server, url) = try await serve()
        do {
            let value = try await withClient(baseURL: url, trust: trust) { api in try await body(server, api) }
            server.send(SIGTERM)
            if try await server.waitForExit(timeout: .seconds(10)) == nil { await server.kill9() }
            return value
        } catch {
            await server.kill9()
            throw error
        }
    }

    /// The dev CA.
    var trust: RelayTrust { get throws { .caFile(try DevCertificates.shared.get().caFile) } }

    /// `poc-relay invite` on the data directory; the token.
    func invite(state: String, role: String) async throws -> String {
        let result = try await runCLI(["invite", "--data-dir", data, "--state", state, "--role", role, "--expires", "2d"], in: directory.path)
        try #require(result.status == 0, "\(result)")
        return try #require(result.stdoutLines.last, "\(result)")
    }

    /// Invites and enrols a POC through the serving relay; a logged-in session for it.
    func join(_ state: String, _ role: Role, api: RelayAPIClient) async throws -> AlertPOC {
        let token = try await invite(state: state, role: role.rawValue)
        let poc = try await enrol(token: token, state: state, role: role, api: api)
        return AlertPOC(poc: poc, session: RelaySession(api: api, identity: poc.identity, pocID: poc.id, relayID: relayID))
    }

    struct ServeDidNotStart: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "poc-relay serve did not start:\n\(stderr)" }
    }
}

/// An enrolled POC and its session.
struct AlertPOC: Sendable {
    let poc: EnrolledPOC
    let session: RelaySession
    var id: POCID { poc.id }

    /// Seals a message from this POC to `recipients`.
    func seal(to recipients: [AlertPOC], urgency: Urgency, exercise: Bool = false, subject: String, body: String) throws -> Envelope {
        let inner = InnerMessage(
            from: id, to: recipients.map(\.id), urgency: urgency, exercise: exercise, type: .message, subject: subject, body: body)
        return try Envelope.seal(
            inner, signer: poc.identity, recipientKeys: Dictionary(uniqueKeysWithValues: recipients.map { ($0.id, $0.poc.boxKeys.publicKey) }))
    }

    /// `PUT /v1/alerts/me` with `json` as the body, as sent.
    func putAlerts(_ json: String) async throws -> RawResponse {
        let token = try await session.token()
        return try await session.api.http.send(
            method: "PUT", path: "/v1/alerts/me", body: Data(json.utf8),
            headers: [("Content-Type", "application/json"), ("Accept", "application/json"), ("Authorization", "Bearer \(token)")],
            timeout: .seconds(30))
    }

    /// Sets this POC's channels, expecting 200.
    func setAlerts(email: String? = nil, webhook: URL? = nil, urgencies: [Urgency] = [.flash, .immediate]) async throws {
        let settings = AlertSettings(email: email, webhook: webhook?.absoluteString, urgencies: urgencies)
        let response = try await putAlerts(String(decoding: try WireJSON.encode(settings), as: UTF8.self))
        try #require(response.status == 200, "PUT /v1/alerts/me: \(response.status) \(response.text)")
    }
}

/// The relay's signing key as `GET /v1/relay` gives it.
func relaySigningKey(_ api: RelayAPIClient) async throws -> SigningPublicKey {
    try SigningPublicKey(rawRepresentation: try await api.relayInfo().signingKey.data)
}

/// The alert a webhook request carries, its signature checked against `key`.
func alertNotice(of request: WebhookReceiver.Request, key: SigningPublicKey) throws -> AlertNotice {
    let signature = try #require(request.header(AlertSignature.header), "no \(AlertSignature.header) header")
    #expect(AlertSignature.isValid(header: signature, body: request.body, relayKey: key), "the signature does not verify")
    #expect(request.method == "POST")
    #expect(request.header("Content-Type")?.hasPrefix("application/json") == true)
    return try WireJSON.decode(AlertNotice.self, from: request.body)
}

/// Seconds, with milliseconds, for messages.
func seconds(_ duration: Duration) -> String {
    let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return String(format: "%.3f s", value)
}
