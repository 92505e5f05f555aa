public import Foundation

/// The folder that holds one POC identity: its profile, encrypted keys and
/// encrypted record. Several POCs can live on one machine, one home each.
///
/// Chosen by `--home`, else `POC_HOME`, else `~/.poc`.
public struct PocHome: Sendable {
    /// The folder.
    public let path: String

    /// Resolves the home folder.
    public init(explicit: String?, environment: [String: String]) {
        if let explicit, !explicit.isEmpty {
            path = explicit
        } else if let fromEnvironment = environment["POC_HOME"], !fromEnvironment.isEmpty {
            path = fromEnvironment
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            path = (home as NSString).appendingPathComponent(".poc")
        }
    }

    /// A file inside the home.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// `profile.json`: relay address, pinned relay key, own POC id.
    public var profilePath: String { file("profile.json") }
    /// `keys.poc`: the private keys, encrypted under the passphrase.
    public var keysPath: String { file("keys.poc") }
    /// `record.sqlite`: the POC's own record, encrypted content only.
    public var recordPath: String { file("record.sqlite") }
    /// `agent/`: the key agent's folder (mode 0700), while `poc unlock` holds the keys.
    public var agentFolderPath: String { file("agent") }
    /// `agent/socket`: the key agent's Unix socket (mode 0600).
    public var agentSocketPath: String { file("agent/socket") }

    /// Creates the folder (mode 0700) if needed.
    public func create() throws(PocError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PocError("cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `data` to `name` atomically with mode 0600.
    public func write(_ data: Data, to name: String) throws(PocError) {
        let target = file(name)
        let temporary = target + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw PocError("cannot write \(target)")
        }
        guard rename(temporary, target) == 0 else { throw PocError("cannot write \(target)") }
    }
}
