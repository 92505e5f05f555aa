import Foundation
public import RelayClient
public import RelayProtocol
import Sodium

/// An enrolled POC's client: its home, keys, record, and a session with its
/// relay. Every operation of the `poc` tool goes through here.
public final class PocClient: Sendable {
    public let home: PocHome
    public let profile: Profile
    public let keys: KeyRing
    public let record: Record
    public let api: RelayAPIClient
    public let session: RelaySession
    public let me: POCID
    public let state: StateCode
    public let role: Role

    init(home: PocHome, profile: Profile, keys: KeyRing, record: Record, api: RelayAPIClient) throws(PocError) {
        let (me, state, role) = try profile.enrolled()
        self.home = home
        self.profile = profile
        self.keys = keys
        self.record = record
        self.api = api
        self.me = me
        self.state = state
        self.role = role
        self.session = RelaySession(api: api, identity: keys.identity, pocID: me, relayID: profile.relayID)
    }

    /// Opens the client of an enrolled home: keys from its agent, else asking for the passphrase.
    public static func open(home: PocHome, passphrase: PassphraseSource) throws(PocError) -> PocClient {
        let profile = try Profile.load(from: home)
        _ = try profile.enrolled()
        let keys = try KeyRing.open(from: home, passphrase: passphrase)
        let record = try Record(path: home.recordPath, key: keys.recordKey)
        let api = try Self.api(for: profile)
        return try PocClient(home: home, profile: profile, keys: keys, record: record, api: api)
    }

    /// An API client for the profile's relay.
    static func api(for profile: Profile) throws(PocError) -> RelayAPIClient {
        guard let url = URL(string: profile.server) else { throw PocError("the server address \(profile.server) is not a URL", status: .usage) }
        do {
            return try RelayAPIClient(baseURL: url, trust: profile.caFile.map { .caFile($0) } ?? .systemStore)
        } catch {
            throw PocError.from(error)
        }
    }

    /// Runs `body` with a fresh API client for `profile`, then shuts it down.
    static func withAPI<T>(_ profile: Profile, _ body: (RelayAPIClient) async throws(PocError) -> T) async throws(PocError) -> T {
        let api = try Self.api(for: profile)
        do {
            let result = try await body(api)
            try? await api.shutdown()
            return result
        } catch {
            try? await api.shutdown()
            throw error
        }
    }

    /// Closes the connection pool.
    public func shutdown() async {
        try? await api.shutdown()
    }

    /// Runs a relay call, turning its failure into a one-line error with the right exit status.
    public func relay<T>(_ body: () async throws -> T) async throws(PocError) -> T {
        do { return try await body() } catch let error as PocError { throw error } catch let error as RelayClientError {
            throw PocError.from(error)
        } catch {
            throw PocError("\(error)")
        }
    }
}
