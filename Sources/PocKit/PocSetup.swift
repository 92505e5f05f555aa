import Foundation
import RelayClient
public import RelayProtocol
public import Sodium

/// Creating a home: pinning the relay (`poc init`) and enrolling (`poc enrol`).
public enum PocSetup {
    /// Fetches `/v1/relay`, checks the fingerprint if one is given, and pins the relay key.
    /// - Returns: The saved profile.
    /// - Throws: on a fingerprint mismatch (65), an unreachable relay (69).
    public static func initialize(home: PocHome, server: String, caFile: String?, expectedFingerprint: String?) async throws(PocError) -> Profile {
        if FileManager.default.fileExists(atPath: home.profilePath) {
            throw PocError("\(home.path) already has a profile", hint: "use another --home for another identity")
        }
        guard let url = URL(string: server), url.scheme == "https" || url.scheme == "http" else {
            throw PocError("--server must be an https:// address, not \(server)", status: .usage)
        }
        var profile = Profile(server: server, caFile: caFile.map(absolute), relayID: "", relaySigningKey: Data())
        let info = try await PocClient.withAPI(profile) { api throws(PocError) in
            do { return try await api.relayInfo() } catch let error as RelayClientError { throw PocError.from(error) } catch {
                throw PocError("\(error)")
            }
        }
        guard let key = try? SigningPublicKey(rawRepresentation: info.signingKey.data), Fingerprint(of: key).compact == info.relayID else {
            throw PocError("the relay's id does not match its signing key", status: .dataError)
        }
        if let expectedFingerprint, !Fingerprint(of: key).matches(expectedFingerprint) {
            throw PocError(
                "the relay's fingerprint \(Fingerprint(of: key).grouped) is not the expected \(expectedFingerprint)",
                hint: "do not use this relay; check the address and ask the custodian", status: .dataError)
        }
        profile.relayID = info.relayID
        profile.relaySigningKey = Base64Bytes(key.rawRepresentation)
        try home.create()
        try profile.save(to: home)
        return profile
    }

    /// Generates both key pairs locally, enrols with the invitation, saves the
    /// encrypted keys and the POC id.
    /// - Returns: The new entry.
    public static func enrol(
        home: PocHome, token: String, details: EntryDetails, passphrase: SecretBytes, limits: PasswordHashLimits
    ) async throws(PocError) -> DirectoryEntry {
        var profile = try Profile.load(from: home)
        if profile.pocID != nil { throw PocError("this home is already enrolled as \(profile.pocID!)", hint: "use another --home") }
        do { try details.validate() } catch { throw PocError("\(error.field): \(error.reason)", status: .usage) }
        let keys = KeyRing()
        let certificate = KeyCertificate.issue(boxKey: keys.currentBoxKey.publicKey, createdAt: .now(), identity: keys.identity)
        // Keys first: if the relay accepts and the disk then fails, the POC would lose its identity.
        try keys.save(to: home, passphrase: passphrase, limits: limits)
        let request = EnrolRequest(
            token: token, signingKey: keys.identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details)
        let response = try await PocClient.withAPI(profile) { api throws(PocError) in
            do {
                return try await api.enrol(request)
            } catch let error as RelayClientError {
                try? FileManager.default.removeItem(atPath: home.keysPath)
                if error.status == 401 {
                    throw PocError(
                        "the relay refused the invitation: it is unknown, used or expired", hint: "ask the custodian for a new one",
                        status: .noPermission)
                }
                throw PocError.from(error)
            } catch {
                throw PocError("\(error)")
            }
        }
        profile.pocID = response.pocID
        profile.state = response.entry.state
        profile.role = response.entry.role
        try profile.save(to: home)
        return response.entry
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
