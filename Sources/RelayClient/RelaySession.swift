public import RelayProtocol
public import Sodium

/// A POC's logged-in conversation with one relay: gets a bearer token when
/// first needed, keeps it until 60 s before it expires, and logs in again once
/// when the relay answers 401.
///
/// Concurrent callers share one login. The token never leaves this actor but
/// through ``token()`` and the closures of ``withToken(_:)``; nothing here logs.
///
/// ```swift
/// let session = RelaySession(api: client, identity: keys, pocID: me, relayID: pinnedRelayID)
/// let inbox = try await session.inbox(wait: 30, limit: 20)
/// ```
public actor RelaySession {
    /// The API client used for every call.
    public nonisolated let api: RelayAPIClient
    /// The POC this session speaks for.
    public nonisolated let pocID: POCID
    /// The pinned relay id (fingerprint without spaces) that login proofs name.
    public nonisolated let relayID: String
    /// Seconds before `expires_at` at which a token is renewed.
    public static let renewalMargin: Int64 = 60

    let identity: SigningKeyPair
    private var cached: (token: String, renewAt: Timestamp)?
    private var pendingLogin: Task<Result<SessionResponse, RelayClientError>, Never>?

    /// Creates a session; nothing is sent until a token is needed.
    /// - Parameters:
    ///   - api: The client for the relay.
    ///   - identity: The POC's Ed25519 identity key pair.
    ///   - pocID: The POC's id.
    ///   - relayID: The relay id the caller pinned (from ``RelayInfo/relayID`` on first contact).
    public init(api: RelayAPIClient, identity: SigningKeyPair, pocID: POCID, relayID: String) {
        self.api = api
        self.identity = identity
        self.pocID = pocID
        self.relayID = relayID
    }

    /// A valid bearer token, logging in first when none is cached or it is about to expire.
    /// - Returns: The token; secret, never print it.
    /// - Throws: ``RelayClientError``; a problem 401 when the relay refuses the login.
    public func token() async throws(RelayClientError) -> String {
        if let cached, Timestamp.now() < cached.renewAt { return cached.token }
        return try await logIn()
    }

    /// Forgets the cached token if it is `token` (or any token, when nil), so
    /// the next call logs in again.
    /// - Parameter token: The token the relay refused, or nil to forget whatever is cached.
    public func invalidate(_ token: String? = nil) {
        guard let cached, token == nil || cached.token == token else { return }
        self.cached = nil
    }

    /// Runs `body` with a token; when it throws a 401, logs in once more and runs it again once.
    /// - Parameter body: The call to make, given the token.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws the second time, or a login failure.
    nonisolated(nonsending) public func withToken<T>(_ body: (String) async throws -> T) async throws -> T {
        let first = try await token()
        do {
            return try await body(first)
        } catch let error as RelayClientError where error.isUnauthorized {
            await invalidate(first)
            return try await body(try await token())
        }
    }

    /// ``withToken(_:)`` for calls that throw only ``RelayClientError``.
    nonisolated func authorized<T>(_ body: (String) async throws(RelayClientError) -> T) async throws(RelayClientError) -> T {
        let first = try await token()
        do {
            return try await body(first)
        } catch let error where error.isUnauthorized {
            await invalidate(first)
            return try await body(try await token())
        }
    }

    private func logIn() async throws(RelayClientError) -> String {
        let task: Task<Result<SessionResponse, RelayClientError>, Never>
        if let pendingLogin {
            task = pendingLogin
        } else {
            let (api, pocID, identity, relayID) = (api, pocID, identity, relayID)
            task = Task {
                do throws(RelayClientError) {
                    return .success(try await api.logIn(pocID: pocID, identity: identity, relayID: relayID))
                } catch {
                    return .failure(error)
                }
            }
            pendingLogin = task
        }
        let result = await task.value
        if pendingLogin == task { pendingLogin = nil }
        let session = try result.get()
        let now = Timestamp.now()
        let renewAt = min(session.expiresAt.adding(seconds: -Self.renewalMargin), now.adding(seconds: 3600))
        // A token that expires within the margin (or a skewed clock) serves this call only.
        cached = renewAt > now ? (session.token, renewAt) : nil
        return session.token
    }
}
