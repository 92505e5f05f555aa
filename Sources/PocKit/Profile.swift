public import Foundation
public import RelayProtocol
public import Sodium

/// `profile.json`: what a POC's client knows of its relay and of itself.
///
/// The relay's signing key is pinned at `poc init`: directory and ping
/// signatures are checked against it, never against what the relay says later.
public struct Profile: Codable, Sendable {
    /// The relay's base URL.
    public var server: String
    /// A CA file to trust instead of the system store.
    public var caFile: String?
    /// The pinned relay id (fingerprint without spaces).
    public var relayID: String
    /// The pinned relay signing key.
    public var relaySigningKey: Base64Bytes
    /// The own POC id, once enrolled.
    public var pocID: POCID?
    /// The own state, once enrolled.
    public var state: StateCode?
    /// The own role, once enrolled.
    public var role: Role?

    enum CodingKeys: String, CodingKey {
        case server, caFile = "ca_file", relayID = "relay_id", relaySigningKey = "relay_signing_key"
        case pocID = "poc_id", state, role
    }

    /// Creates a profile.
    public init(server: String, caFile: String?, relayID: String, relaySigningKey: Data) {
        self.server = server
        self.caFile = caFile
        self.relayID = relayID
        self.relaySigningKey = Base64Bytes(relaySigningKey)
    }

    /// The pinned relay key.
    public var relayKey: SigningPublicKey {
        get throws(PocError) {
            guard let key = try? SigningPublicKey(rawRepresentation: relaySigningKey.data) else {
                throw PocError("profile.json holds no valid relay key; run `poc init` again")
            }
            return key
        }
    }

    /// Loads the profile of `home`.
    public static func load(from home: PocHome) throws(PocError) -> Profile {
        guard let data = FileManager.default.contents(atPath: home.profilePath) else {
            throw PocError("no profile in \(home.path)", hint: "run `poc init --server URL` first, or pass --home", status: .usage)
        }
        do { return try WireJSON.decode(Profile.self, from: data) } catch {
            throw PocError("\(home.profilePath) is not a valid profile")
        }
    }

    /// Saves the profile (mode 0600).
    public func save(to home: PocHome) throws(PocError) {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        guard let data = try? encoder.encode(self) else { throw PocError("cannot encode the profile") }
        try home.write(data, to: "profile.json")
    }

    /// The enrolled identity, or a usage error.
    public func enrolled() throws(PocError) -> (pocID: POCID, state: StateCode, role: Role) {
        guard let pocID, let state, let role else {
            throw PocError("this home is not enrolled yet", hint: "run `poc enrol --token TOKEN`", status: .usage)
        }
        return (pocID, state, role)
    }
}
