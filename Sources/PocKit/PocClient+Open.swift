import Foundation
public import Sodium

extension PocClient {
    /// Opens the client of an enrolled home with the keys of its running key
    /// agent (`poc unlock`), or returns `nil` when no agent of this uid holds
    /// the keys of the home's current `keys.poc`. Never asks for a passphrase.
    public static func openFromAgent(home: PocHome) throws(PocError) -> PocClient? {
        guard let keys = KeyAgentClient(home: home).keys() else { return nil }
        return try open(home: home, keys: keys)
    }

    /// Opens the client of an enrolled home with a passphrase the caller
    /// already holds (a form of the local web interface), never the agent.
    /// - Throws: a ``PocError`` with status 77 for a wrong passphrase.
    public static func open(home: PocHome, passphrase: SecretBytes) throws(PocError) -> PocClient {
        let profile = try Profile.load(from: home)
        _ = try profile.enrolled()
        return try open(home: home, keys: KeyRing.load(from: home, passphrase: passphrase))
    }

    private static func open(home: PocHome, keys: KeyRing) throws(PocError) -> PocClient {
        let profile = try Profile.load(from: home)
        let record = try Record(path: home.recordPath, key: keys.recordKey)
        return try PocClient(home: home, profile: profile, keys: keys, record: record, api: api(for: profile))
    }
}
