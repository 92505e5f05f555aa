import ArgumentParser
import Foundation
import RelayProtocol
import RelayService
import RelayStore
import Sodium

/// `poc-relay init`: creates the store and the relay's signing key.
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the relay's store and Ed25519 signing key, and print the relay fingerprint.",
        discussion: """
            Examples:
              poc-relay init --data-dir /var/lib/poc-relay
              poc-relay init    (in ./data)
            """)

    @OptionGroup var data: DataDirectoryOptions

    func run() async throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: data.dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("cannot create \(data.dataDir): \(error.localizedDescription)")
        }
        if manager.fileExists(atPath: data.keyPath) || manager.fileExists(atPath: data.storePath) {
            throw CLIError("\(data.dataDir) already holds a relay; refusing to replace its key or store")
        }
        let key: SigningKeyPairBox
        do { key = SigningKeyPairBox(try RelayKeyFile.create(at: data.keyPath)) } catch { throw CLIError("\(error)") }
        do {
            let store = try RelayStore(path: data.storePath)
            try store.close()
        } catch {
            throw CLIError("cannot create the store \(data.storePath): \(error)")
        }
        let fingerprint = Fingerprint(of: key.pair.publicKey)
        print("Created the relay in \(data.dataDir).")
        print("Relay fingerprint (give it to POCs through an official channel):")
        print("  \(fingerprint.grouped)")
        print("Relay id: \(fingerprint.compact)")
    }
}
