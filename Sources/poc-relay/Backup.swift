import ArgumentParser
import CommandLineSupport
import Foundation
import RelayProtocol
import RelayService
import RelayStore
import Sodium

/// What `poc-relay backup` wrote, in `backup.json` beside the copies.
struct BackupManifest: Codable {
    static let fileName = "backup.json"
    static let currentFormat = "poc-relay-backup-1"

    /// `poc-relay-backup-1`.
    var format: String
    /// When the snapshot was taken (RFC 3339 UTC).
    var createdAt: String
    /// The relay id (fingerprint of the relay key) of the relay backed up.
    var relayID: String
    /// Whether `relay.key` is in the folder.
    var includesKey: Bool
    /// The store's applied migrations.
    var migrations: [String]
    /// The size of `relay.sqlite`.
    var storeBytes: Int64

    enum CodingKeys: String, CodingKey {
        case format, createdAt = "created_at", relayID = "relay_id", includesKey = "includes_key", migrations
        case storeBytes = "store_bytes"
    }
}

/// The file names of a backup folder and a data directory.
enum BackupLayout {
    static let store = "relay.sqlite"
    static let key = RelayKeyFile.fileName

    static func path(_ folder: String, _ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
}

/// A store error's reason, without the source location meant for developers.
func storeReason(_ error: any Error) -> String {
    (error as? StoreError)?.reason ?? "\(error)"
}

/// Opens a store file read-only and reports its integrity and migrations.
func inspectStore(at path: String) async throws -> (integrity: String, applied: [String], unknown: [String]) {
    let store: RelayStore
    do { store = try RelayStore(path: path, access: .readOnly) } catch { throw CLIError("cannot open \(path): \(storeReason(error))") }
    defer { try? store.close() }
    do {
        return (try await store.integrityCheck(), try await store.appliedMigrations(), try await store.unknownMigrations())
    } catch {
        throw CLIError("cannot read \(path): \(storeReason(error))")
    }
}

/// `poc-relay backup`: an online, consistent copy of the store, and of the key on request.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the store, online and consistent, into a new backup folder (the relay key only with --include-key).",
        discussion: """
            Works while the relay serves: the copy is one snapshot (SQLite's online backup), checked with \
            integrity_check before the command succeeds. The folder gets, all mode 0600:
              relay.sqlite   the store: ciphertext not yet receipted or expired, routing metadata, directory, pings
              backup.json    when, the relay id, the schema, whether the key is included
              relay.key      the relay's signing key, only with --include-key

            The store never holds plaintext, but its metadata (who wrote to whom, when) is sensitive: keep \
            backups encrypted and access-controlled. The key is the relay's identity: whoever holds it can \
            sign directories and pings as the relay, so keep a backup that includes it as safe as the host.

            Examples:
              poc-relay backup --data-dir /var/lib/poc-relay --to /backup/2026-11-22
              poc-relay backup --to /backup/2026-11-22-full --include-key
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The backup folder to create (it may exist only if empty).") var to: String
    @Flag(help: "Also copy the relay's signing key (relay.key).") var includeKey = false

    func run() async throws {
        guard Files.exists(data.storePath) else {
            throw CLIError("no relay store in \(data.dataDir); nothing to back up")
        }
        let key: SigningKeyPairBox
        do { key = SigningKeyPairBox(try RelayKeyFile.load(from: data.keyPath)) } catch { throw CLIError("\(error)") }
        let relayID = Fingerprint(of: key.pair.publicKey).compact
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: to, isDirectory: &isFolder) {
            guard isFolder.boolValue, Files.contents(of: to).isEmpty else {
                throw CLIError("\(to) exists and is not an empty folder; back up into a new folder")
            }
        }
        try Files.makePrivateFolder(to)
        do {
            try await write(relayID: relayID)
        } catch {
            // Never leave a half-made backup that looks like a backup.
            for name in [BackupLayout.store, BackupLayout.key, BackupManifest.fileName, BackupLayout.store + "-journal"] {
                try? Files.removeIfPresent(BackupLayout.path(to, name))
            }
            throw error
        }
    }

    /// Writes the copies and the manifest into the (new, empty) backup folder.
    func write(relayID: String) async throws {
        let storeCopy = BackupLayout.path(to, BackupLayout.store)
        let createdAt = Timestamp.now()

        let store: RelayStore
        do { store = try RelayStore(path: data.storePath, access: .readOnly) } catch { throw await data.storeOpenFailure(error) }
        do {
            try await store.backup(to: storeCopy)
        } catch {
            try? store.close()
            throw CLIError("cannot back up \(data.storePath): \(storeReason(error))")
        }
        try? store.close()
        try Files.setMode(storeCopy, 0o600)

        // Check the copy itself before calling it a backup.
        let copy = try await inspectStore(at: storeCopy)
        guard copy.integrity == "ok" else {
            throw CLIError("the copy in \(storeCopy) fails its integrity check: \(copy.integrity.split(separator: "\n").first ?? "")")
        }
        if includeKey {
            try Files.copyPrivately(data.keyPath, to: BackupLayout.path(to, BackupLayout.key))
        }
        let manifest = BackupManifest(
            format: BackupManifest.currentFormat, createdAt: createdAt.description, relayID: relayID, includesKey: includeKey,
            migrations: copy.applied + copy.unknown, storeBytes: Files.size(storeCopy))
        try Files.writePrivately(Data((try prettyJSON(manifest) + "\n").utf8), to: BackupLayout.path(to, BackupManifest.fileName))
        try Files.sync(storeCopy)
        try Files.sync(to)

        print("Backed up relay \(relayID) at \(createdAt) into \(to):")
        print("  relay.sqlite  \(manifest.storeBytes) bytes, integrity ok, schema \(manifest.migrations.joined(separator: ", "))")
        if includeKey {
            print("  relay.key     the relay's signing key: keep this backup as safe as the host")
        } else {
            print("  (no relay.key: keep the key's own copy apart; restoring without it needs the same key in the data directory)")
        }
    }
}

/// `poc-relay restore`: puts a backup folder back into a data directory.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup folder made by `poc-relay backup` into a data directory.",
        discussion: """
            Refuses while a relay serves the data directory, and refuses a data directory that holds anything \
            unless --force is given (then its store, and its key if the backup has one, are replaced). \
            The store is checked (integrity_check, and a schema this binary knows) before it replaces anything; \
            a backup from an older version is migrated, as `serve` would. Without a key in the backup, the \
            data directory must hold the key of the same relay (same relay id), or none (then copy it in before `serve`).

            Examples:
              poc-relay restore --data-dir /var/lib/poc-relay --from /backup/2026-11-22
              poc-relay restore --from /backup/2026-11-22-full --force
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The backup folder.") var from: String
    @Flag(help: "Replace the store (and key) of a data directory that is not empty.") var force = false

    func run() async throws {
        let manifest = try readManifest()
        let backupStore = BackupLayout.path(from, BackupLayout.store)
        let backupKeyPath = BackupLayout.path(from, BackupLayout.key)
        guard Files.exists(backupStore) else { throw CLIError("\(from) holds no \(BackupLayout.store); it is not a backup folder") }
        if manifest.includesKey {
            let key: SigningKeyPairBox
            do { key = SigningKeyPairBox(try RelayKeyFile.load(from: backupKeyPath)) } catch { throw CLIError("\(error)") }
            guard Fingerprint(of: key.pair.publicKey).compact == manifest.relayID else {
                throw CLIError("\(backupKeyPath) is not the key of relay \(manifest.relayID) named in \(BackupManifest.fileName)")
            }
        }

        if !Files.exists(data.dataDir) { try Files.makePrivateFolder(data.dataDir) }
        guard let lock = try DataDirectoryLock.acquire(data.dataDir) else {
            throw CLIError("a relay is serving \(data.dataDir) (it holds the data directory's lock); stop it before restoring")
        }
        defer { withExtendedLifetime(lock) {} }
        let present = Files.contents(of: data.dataDir)
        if !present.isEmpty && !force {
            throw CLIError(
                "\(data.dataDir) is not empty (\(present.joined(separator: ", "))); restoring would replace its store: "
                    + "pass --force, after backing up what is there if it may be needed")
        }
        if Files.exists(data.keyPath) && !manifest.includesKey {
            let key: SigningKeyPairBox
            do { key = SigningKeyPairBox(try RelayKeyFile.load(from: data.keyPath)) } catch { throw CLIError("\(error)") }
            let id = Fingerprint(of: key.pair.publicKey).compact
            guard id == manifest.relayID else {
                throw CLIError(
                    "\(data.keyPath) is the key of relay \(id), but the backup is of relay \(manifest.relayID); "
                        + "restore into the right data directory, or move that key away and put relay \(manifest.relayID)'s key there")
            }
        }

        // Copy, then check and migrate the copy, before anything in the data directory changes.
        let staging = data.storePath + ".restoring"
        for suffix in ["", "-wal", "-shm", "-journal"] { try Files.removeIfPresent(staging + suffix) }
        try Files.copyPrivately(backupStore, to: staging)
        let applied: [String]
        do {
            applied = try await checkAndMigrate(staging)
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? Files.removeIfPresent(staging + suffix) }
            throw error
        }
        // A clean close checkpointed everything into the file: a log with
        // content left means it did not, and the file alone is not the store.
        for suffix in ["-wal", "-journal"] {
            guard Files.size(staging + suffix) == 0 else { throw CLIError("\(staging + suffix) was left with content; nothing was replaced") }
            try Files.removeIfPresent(staging + suffix)
        }
        try Files.removeIfPresent(staging + "-shm")  // an index of the log, rebuilt on open

        // The old store's write-ahead log must never be replayed onto the restored file.
        for suffix in ["-wal", "-shm", "-journal"] { try Files.removeIfPresent(data.storePath + suffix) }
        try Files.move(staging, to: data.storePath)
        if manifest.includesKey {
            let keyStaging = data.keyPath + ".restoring"
            try Files.removeIfPresent(keyStaging)
            try Files.copyPrivately(backupKeyPath, to: keyStaging)
            try Files.move(keyStaging, to: data.keyPath)
        }
        try handOverToDataDirectoryOwner()
        try Files.sync(data.dataDir)

        print("Restored relay \(manifest.relayID) as backed up at \(manifest.createdAt) into \(data.dataDir):")
        print("  relay.sqlite  integrity ok, schema \(applied.joined(separator: ", "))")
        if manifest.includesKey {
            print("  relay.key     restored from the backup")
        } else if Files.exists(data.keyPath) {
            print("  relay.key     kept (same relay id)")
        } else {
            writeError(
                "poc-relay: warning: \(data.dataDir) has no relay.key: copy relay \(manifest.relayID)'s key there (mode 0600) before `serve`; "
                    + "a new key would give the relay a new id that every POC must be told\n")
        }
    }

    func readManifest() throws -> BackupManifest {
        let path = BackupLayout.path(from, BackupManifest.fileName)
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(from) holds no readable \(BackupManifest.fileName); it is not a folder made by `poc-relay backup`")
        }
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: bytes) } catch {
            throw CLIError("\(path) is not a valid backup manifest")
        }
        guard manifest.format == BackupManifest.currentFormat else {
            throw CLIError("\(path) has format \(manifest.format); this poc-relay reads \(BackupManifest.currentFormat)")
        }
        return manifest
    }

    /// Opens the copy as the relay would (refusing a store newer than this
    /// binary, migrating an older one) and requires a clean integrity check.
    func checkAndMigrate(_ path: String) async throws -> [String] {
        let store: RelayStore
        do {
            store = try RelayStore(path: path)
        } catch let error as StoreError where error.code == .storeNewerThanBinary {
            throw CLIError(
                "the backup's store is newer than this poc-relay (it knows \(RelayStore.knownMigrations.joined(separator: ", "))); "
                    + "restore it with the version that made it, or newer")
        } catch {
            throw CLIError("the backup's store cannot be opened: \(storeReason(error))")
        }
        do {
            let integrity = try await store.integrityCheck()
            guard integrity == "ok" else {
                try? store.close()
                throw CLIError("the backup's store fails its integrity check: \(integrity.split(separator: "\n").first ?? "")")
            }
            let applied = try await store.appliedMigrations()
            try store.close()
            return applied
        } catch let error as CLIError {
            throw error
        } catch {
            try? store.close()
            throw CLIError("the backup's store cannot be read: \(storeReason(error))")
        }
    }

    /// Run as root, gives the restored files to the data directory's owner (the service account).
    func handOverToDataDirectoryOwner() throws {
        guard geteuid() == 0 else { return }
        var info = stat()
        guard stat(data.dataDir, &info) == 0 else { return }
        for path in [data.storePath, data.keyPath] where Files.exists(path) {
            guard chown(path, info.st_uid, info.st_gid) == 0 else {
                throw CLIError("cannot give \(path) to the owner of \(data.dataDir): \(String(cString: strerror(errno)))")
            }
        }
    }
}
