import Foundation
internal import GRDB
public import RelayProtocol
public import Sodium
import Synchronization

/// The POC's own record (R12): every message sent and received, receipts,
/// consents, ping answers, pinned keys and the outbox, in a local SQLite file.
///
/// Each entry is JSON encrypted with XChaCha20-Poly1305 under the record key
/// (kept in `keys.poc`), bound to its kind and id. In the clear the file holds
/// only kinds, ids and times: no subject, body, name or key.
public final class Record: Sendable {
    /// What an entry is.
    public enum Kind: String, Sendable, CaseIterable {
        case message, receipt, ping, pin, outbox
    }

    private let queue: DatabaseQueue
    private let key: SecretBytes
    /// Values derived from the whole record (``memo(_:_:)``), each with the change stamp it was built at.
    private let memos = Mutex<[String: (stamp: [Int64], value: any Sendable)]>([:])
    private static let prefix = Data("POCREC-V1\n".utf8)

    /// Opens (or creates) the record.
    public init(path: String, key: SecretBytes) throws(PocError) {
        var configuration = Configuration()
        configuration.publicStatementArguments = false
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS entries (
                            kind TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL,
                            nonce BLOB NOT NULL, ciphertext BLOB NOT NULL, PRIMARY KEY (kind, id))
                        """)
            }
            chmod(path, 0o600)
        } catch {
            throw PocError("cannot open the record \(path): \(error.localizedDescription)")
        }
        self.key = key
    }

    /// Stores (or replaces) an entry.
    public func put(_ kind: Kind, id: String, at: Timestamp, _ value: some Encodable) throws(PocError) {
        let nonce = XChaCha20Poly1305.generateNonce()
        let sealed: Data
        do {
            var plaintext = try WireJSON.encode(value)
            defer { SecretBytes.zero(&plaintext) }
            sealed = try XChaCha20Poly1305.seal(plaintext, authenticating: Self.ad(kind, id), key: key, nonce: nonce)
        } catch {
            throw PocError("cannot encrypt a record entry")
        }
        do {
            try queue.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO entries (kind, id, at, nonce, ciphertext) VALUES (?, ?, ?, ?, ?)",
                    arguments: [kind.rawValue, id, at.secondsSince1970, nonce, sealed])
            }
        } catch {
            throw PocError("cannot write the record: \(error.localizedDescription)")
        }
    }

    /// One entry, decrypted.
    public func get<T: Decodable>(_ kind: Kind, id: String, as type: T.Type) throws(PocError) -> T? {
        let row: Row?
        do {
            row = try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT nonce, ciphertext FROM entries WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id])
            }
        } catch {
            throw PocError("cannot read the record: \(error.localizedDescription)")
        }
        guard let row else { return nil }
        return try decrypt(kind, id, row["nonce"], row["ciphertext"], as: type)
    }

    /// Every entry of a kind, oldest first.
    public func all<T: Decodable>(_ kind: Kind, as type: T.Type) throws(PocError) -> [T] {
        let rows: [Row]
        do {
            rows = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, nonce, ciphertext FROM entries WHERE kind = ? ORDER BY at, id", arguments: [kind.rawValue])
            }
        } catch {
            throw PocError("cannot read the record: \(error.localizedDescription)")
        }
        var values: [T] = []
        for row in rows { values.append(try decrypt(kind, row["id"], row["nonce"], row["ciphertext"], as: type)) }
        return values
    }

    /// Deletes an entry.
    public func delete(_ kind: Kind, id: String) throws(PocError) {
        do {
            try queue.write { db in try db.execute(sql: "DELETE FROM entries WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id]) }
        } catch {
            throw PocError("cannot write the record: \(error.localizedDescription)")
        }
    }

    /// The value `build` derives from the record, built again only when the
    /// record changed since (written by this process or by another one, such
    /// as `poc read` in a terminal): the web interface's record page reads
    /// 10,000 entries once, not on every request. Kept in memory with this
    /// record, so it goes when the keys are locked and the client released.
    /// - Parameters:
    ///   - name: What the value is; one value per name.
    ///   - build: Reads the record and derives the value.
    /// - Throws: ``PocError`` when the record cannot be read, or `build`'s error.
    public func memo<T: Sendable>(_ name: String, _ build: () throws(PocError) -> T) throws(PocError) -> T {
        // Taken before `build` reads: a write in between makes the next call build again.
        let stamp = try changeStamp()
        if let kept = memos.withLock({ $0[name] }), kept.stamp == stamp, let value = kept.value as? T { return value }
        let value = try build()
        memos.withLock { $0[name] = (stamp, value) }
        return value
    }

    /// Changes since the file was opened: SQLite's `data_version` moves when another
    /// connection commits, `total_changes()` when this one writes.
    private func changeStamp() throws(PocError) -> [Int64] {
        do {
            return try queue.read { db in
                [
                    try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0,
                    try Int64.fetchOne(db, sql: "SELECT total_changes()") ?? 0,
                ]
            }
        } catch {
            throw PocError("cannot read the record: \(error.localizedDescription)")
        }
    }

    private func decrypt<T: Decodable>(_ kind: Kind, _ id: String, _ nonce: Data, _ ciphertext: Data, as type: T.Type) throws(PocError) -> T {
        do {
            var plaintext = try XChaCha20Poly1305.open(ciphertext, authenticating: Self.ad(kind, id), key: key, nonce: nonce)
            defer { SecretBytes.zero(&plaintext) }
            return try WireJSON.decode(T.self, from: plaintext)
        } catch {
            throw PocError(
                "the record entry \(kind.rawValue) \(id) does not decrypt: the record was altered or belongs to other keys", status: .dataError)
        }
    }

    private static func ad(_ kind: Kind, _ id: String) -> Data { prefix + Data("\(kind.rawValue)\n\(id)".utf8) }
}
