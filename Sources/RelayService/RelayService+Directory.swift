import Foundation
import Logging
public import RelayProtocol
import RelayStore
import Sodium

extension RelayService {
    /// `GET /v1/directory`: every entry, signed over the active ones.
    public func directory() async throws(RelayFailure) -> Directory {
        let snapshot = try await storeCall("directory") { try await store.directorySnapshot() }
        let lastPings = try await storeCall("last pings") { try await store.lastPings(now: now) }
        var entries: [DirectoryEntry] = []
        for record in snapshot.entries { entries.append(try entry(of: record, lastPing: lastPings[record.id])) }
        entries.sort { $0.pocID < $1.pocID }
        let signature = DirectorySignature.sign(version: snapshot.version, entries: entries, relayKey: relayKey)
        return Directory(version: snapshot.version, entries: entries, signature: signature)
    }

    /// `PUT /v1/directory/me`: replaces the caller's descriptive fields (R7).
    public func updateEntry(_ details: EntryDetails, for caller: Caller) async throws(RelayFailure) -> DirectoryEntry {
        do { try details.validate() } catch { throw .wire(error) }
        let json = String(decoding: (try? WireJSON.encode(details)) ?? Data(), as: UTF8.self)
        let record = try await storeCall("update entry") {
            try await store.updateEntry(pocID: caller.pocID.rawValue, entryJSON: json, now: now)
        }
        logger.info("entry updated", metadata: ["poc_id": "\(caller.pocID)"])
        return try entry(of: record, lastPing: nil)
    }

    /// `POST /v1/keys/box`: rotates the caller's X25519 key.
    /// - Throws: 422 when the key certificate does not verify.
    public func rotateBoxKey(_ rotation: BoxKeyRotation, for caller: Caller) async throws(RelayFailure) -> DirectoryEntry {
        let boxKey: BoxPublicKey
        do { boxKey = try BoxPublicKey(wire: rotation.boxKey, field: "box_key") } catch { throw .wire(error) }
        let certificate = KeyCertificate(boxKey: boxKey, createdAt: rotation.keyCreatedAt, signature: rotation.keySignature)
        guard certificate.isValid(for: caller.signingKey) else {
            throw .unprocessable("key_signature does not verify with your identity key.")
        }
        let record = try await storeCall("rotate key") {
            try await store.rotateBoxKey(
                pocID: caller.pocID.rawValue, boxKey: boxKey.rawRepresentation, keyCreatedAt: rotation.keyCreatedAt.description,
                keySignature: rotation.keySignature.data, now: now)
        }
        logger.info("box key rotated", metadata: ["poc_id": "\(caller.pocID)"])
        return try entry(of: record, lastPing: nil)
    }
}
