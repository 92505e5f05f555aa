public import Foundation
public import RelayProtocol
public import Sodium

/// Typed calls for every endpoint of docs/protocol.md section 5.
///
/// Bodies go both ways through ``WireJSON``; every call sends
/// `Accept: application/json` and, with a body, `Content-Type: application/json`.
/// Calls that need a session take the bearer token; ``RelaySession`` gets and
/// renews one for you.
///
/// ```swift
/// let client = try RelayAPIClient(baseURL: url, trust: .caFile("relay-ca.pem"))
/// defer { Task { try? await client.shutdown() } }
/// let info = try await client.relayInfo()
/// ```
public struct RelayAPIClient: Sendable {
    /// The HTTP client underneath (also for raw requests).
    public let http: RelayHTTP
    /// The time limit of every call but ``inbox(wait:limit:token:)``.
    public var requestTimeout: Duration
    /// The last directory fetched, for `If-None-Match` (shared by copies of this client).
    let keptDirectory = KeptDirectory()

    /// Wraps an open ``RelayHTTP``; the caller shuts it down.
    /// - Parameters:
    ///   - http: The HTTP client for the relay.
    ///   - requestTimeout: The time limit of each call (the inbox adds its wait).
    public init(http: RelayHTTP, requestTimeout: Duration = .seconds(30)) {
        self.http = http
        self.requestTimeout = requestTimeout
    }

    /// Opens a client for the relay at `baseURL`; call ``shutdown()`` when done.
    /// - Parameters:
    ///   - baseURL: `https://host[:port]`, or `http://127.0.0.1:port` for a loopback relay.
    ///   - trust: The certificate authorities to trust.
    ///   - requestTimeout: The time limit of each call (the inbox adds its wait).
    /// - Throws: ``RelayClientError/Kind/badConfiguration(_:)`` for a bad URL or CA file.
    public init(baseURL: URL, trust: RelayTrust, requestTimeout: Duration = .seconds(30)) throws(RelayClientError) {
        self.init(http: try RelayHTTP(baseURL: baseURL, trust: trust), requestTimeout: requestTimeout)
    }

    /// Shuts the HTTP client down; call once, when done.
    /// - Throws: AsyncHTTPClient's error when it was already shut down.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    // MARK: Public endpoints

    /// `GET /v1/relay`: the relay's id, signing key, version and limits.
    /// - Returns: The relay's self-description; pin ``RelayInfo/relayID`` on first use.
    /// - Throws: ``RelayClientError``.
    public func relayInfo() async throws(RelayClientError) -> RelayInfo {
        let context = "GET /v1/relay"
        let response = try await exchange("GET", "/v1/relay")
        try expect(response, [200], context: context)
        return try decode(RelayInfo.self, from: response, context: context)
    }

    /// `GET /healthz`: whether the relay's store answers.
    /// - Returns: True on 200, false on any other status (such as 503).
    /// - Throws: ``RelayClientError`` when no answer came at all.
    public func health() async throws(RelayClientError) -> Bool {
        let response = try await http.send(method: "GET", path: "/healthz", body: nil, timeout: requestTimeout)
        return response.status == 200
    }

    /// `POST /v1/enrol`: registers a new POC with a one-time invitation token.
    /// - Parameter request: The token, the identity key, the key certificate and the entry.
    /// - Returns: The assigned POC id and the published entry.
    /// - Throws: ``RelayClientError``; a problem 401 or 422 for a used, expired or unknown token.
    public func enrol(_ request: EnrolRequest) async throws(RelayClientError) -> EnrolResponse {
        let context = "POST /v1/enrol"
        let response = try await exchange("POST", "/v1/enrol", json: try encode(request, context: context))
        try expect(response, [200, 201], context: context)
        return try decode(EnrolResponse.self, from: response, context: context)
    }

    /// `POST /v1/auth/challenge`: a fresh login challenge (valid once, for 60 s).
    /// - Parameter pocID: The POC id to log in as.
    /// - Returns: The challenge and its expiry.
    /// - Throws: ``RelayClientError``.
    public func challenge(pocID: String) async throws(RelayClientError) -> ChallengeResponse {
        let context = "POST /v1/auth/challenge"
        let body = try encode(ChallengeRequest(pocID: pocID), context: context)
        let response = try await exchange("POST", "/v1/auth/challenge", json: body)
        try expect(response, [200, 201], context: context)
        return try decode(ChallengeResponse.self, from: response, context: context)
    }

    /// `POST /v1/auth/session`: trades a signed challenge for a bearer token.
    /// - Parameter request: The POC id, the challenge and the ``AuthProof`` signature.
    /// - Returns: The token (secret: never print it) and its expiry.
    /// - Throws: ``RelayClientError``; a problem 401 when the proof is refused.
    public func session(_ request: SessionRequest) async throws(RelayClientError) -> SessionResponse {
        let context = "POST /v1/auth/session"
        let response = try await exchange("POST", "/v1/auth/session", json: try encode(request, context: context))
        try expect(response, [200, 201], context: context)
        return try decode(SessionResponse.self, from: response, context: context)
    }

    /// Logs in: challenge, ``AuthProof`` signature, session.
    /// - Parameters:
    ///   - pocID: The POC to log in as.
    ///   - identity: The POC's Ed25519 identity key pair.
    ///   - relayID: The pinned relay id (fingerprint without spaces).
    /// - Returns: The token and its expiry.
    /// - Throws: ``RelayClientError``.
    public func logIn(
        pocID: POCID, identity: SigningKeyPair, relayID: String
    ) async throws(RelayClientError)
        -> SessionResponse
    {
        let challenge = try await challenge(pocID: pocID.rawValue)
        let signature = AuthProof.sign(
            relayID: relayID, pocID: pocID, challenge: challenge.challenge.data, identity: identity)
        return try await session(
            SessionRequest(pocID: pocID.rawValue, challenge: challenge.challenge.data, signature: signature))
    }
}
