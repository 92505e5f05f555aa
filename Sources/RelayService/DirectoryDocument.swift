public import Foundation
import RelayProtocol
import RelayStore
import Sodium
import Synchronization

/// `GET /v1/directory` as sent: the encoded JSON and its entity tag.
public struct DirectoryDocument: Sendable {
    /// The directory's JSON, as ``WireJSON`` encodes it.
    public let body: Data
    /// A strong entity tag of `body`: `"` + base64url(SHA-256(body)) + `"`.
    public let entityTag: String
}

/// What building the directory last found, so that the next request builds
/// only what changed: each entry's descriptive fields are decoded from the
/// store once per change of its row, and the signed, encoded document is
/// reused while the directory it encodes is the same (a POC's last ping and
/// the time its ping became missed change it; the version does not show those).
final class DirectoryMemo: Sendable {
    private struct State {
        /// Entries without their last ping, by POC id, with the row they came from.
        var entries: [String: (record: POCRecord, entry: DirectoryEntry)] = [:]
        /// The last document and the directory it encodes.
        var last: (directory: Directory, document: DirectoryDocument)?
    }

    private let state = Mutex(State())

    /// The entry of `record` without a last ping, decoded once per row.
    func entry(of record: POCRecord, build: (POCRecord) throws(RelayFailure) -> DirectoryEntry) throws(RelayFailure) -> DirectoryEntry {
        if let kept = state.withLock({ $0.entries[record.id] }), kept.record == record { return kept.entry }
        let entry = try build(record)
        state.withLock { $0.entries[record.id] = (record, entry) }
        return entry
    }

    /// Forgets entries whose POC is no longer among `records` (the store's
    /// rows); nothing to do, and no set built, while no row went away.
    func keepOnly(_ records: [POCRecord]) {
        state.withLock { state in
            guard state.entries.count > records.count else { return }
            let ids = Set(records.map(\.id))
            state.entries = state.entries.filter { ids.contains($0.key) }
        }
    }

    /// The document of the directory of `version` with `entries`: the last one
    /// if it encodes the same, else signed with `sign` and encoded now.
    func document(
        version: Int, entries: [DirectoryEntry], sign: ([DirectoryEntry]) -> Data
    ) throws(RelayFailure) -> (Directory, DirectoryDocument) {
        if let last = state.withLock({ $0.last }), last.directory.version == version, last.directory.entries == entries {
            return (last.directory, last.document)
        }
        let directory = Directory(version: version, entries: entries, signature: sign(entries))
        let body: Data
        do { body = try WireJSON.encode(directory) } catch { throw .internal }
        let tag =
            "\""
            + StrictBase64.encode(SHA256.hash(body)).replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "") + "\""
        let document = DirectoryDocument(body: body, entityTag: tag)
        state.withLock { $0.last = (directory, document) }
        return (directory, document)
    }
}
