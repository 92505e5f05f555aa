import Foundation
import Logging
public import RelayProtocol
import RelayStore
import Sodium

extension RelayService {
    /// `GET /v1/directory`: every entry, signed over the active ones.
    public func directory() async throws(RelayFailure) -> Directory {
        try await directoryDocument().directory
    }

    /// `GET /v1/directory` as sent: the directory, its JSON and that JSON's
    /// entity tag. Entries are decoded from the store only when their row
    /// changed, and the JSON is signed and encoded only when the directory did
    /// (``DirectoryMemo``): a 1,000-entry directory asked for by every page
    /// of every POC's web interface is read from the store, not rebuilt.
    public func directoryDocument() async throws(RelayFailure) -> (directory: Directory, document: DirectoryDocument) {
        let snapshot = try await storeCall("directory") { try await store.directorySnapshot() }
        let lastPings = try await storeCall("last pings") { try await store.lastPings() }
        var entries: [DirectoryEntry] = []
        entries.reserveCapacity(snapshot.entries.count)
        for record in snapshot.entries {
            var entry = try directoryMemo.entry(of: record) { record throws(RelayFailure) in try self.entry(of: record, lastPing: nil) }
            entry.lastPing = lastPings[record.id].map(lastPing)
            entries.append(entry)
        }
        directoryMemo.keepOnly(snapshot.entries)
        entries.sort { $0.pocID < $1.pocID }
        let relayKey = relayKey
        return try directoryMemo.document(version: snapshot.version, entries: entries) { entries in
            DirectorySignature.sign(version: snapshot.version, entries: entries, relayKey: relayKey)
        }
    }

    /// `PUT /v1/directory/me`: replaces the caller's descriptive fields (R7).
    public func updateEntry(_ details: EntryDetails, for caller: Caller) async throws(RelayFailure) -> DirectoryEntry {
        do { try details.validate() } catch { throw .wire(error) }
        let json = String(decoding: try encoded(details), as: UTF8.self)
        let record = try await storeCall("update entry") {
            try await store.updateEntry(pocID: caller.pocID.rawValue, entryJSON: json, now: now)
        }
        logger.info("entry updated", metadata: ["poc_id": "\(caller.pocID)"])
        return try entry(of: record, lastPing: nil)
    }

    /// `POST /v1/keys/box`: rotates the caller's X25519 key.
    ///
    /// Key certificates only move forward: one older than the current
    /// certificate, or for an encryption key this POC used before, is refused,
    /// so that whoever holds a stolen session token cannot replay an old
    /// certificate (they are public) to bring back an old, perhaps
    /// compromised, key. Sending the current certificate again changes nothing.
    /// - Throws: 422 when the key certificate does not verify, is dated more
    ///   than ``RelayServiceConfiguration/maxKeyClockSkew`` ahead, is older than
    ///   the current one, or names a key used before.
    public func rotateBoxKey(_ rotation: BoxKeyRotation, for caller: Caller) async throws(RelayFailure) -> DirectoryEntry {
        let boxKey: BoxPublicKey
        do { boxKey = try BoxPublicKey(wire: rotation.boxKey, field: "box_key") } catch { throw .wire(error) }
        let certificate = KeyCertificate(boxKey: boxKey, createdAt: rotation.keyCreatedAt, signature: rotation.keySignature)
        guard certificate.isValid(for: caller.signingKey) else {
            throw .unprocessable("key_signature does not verify with your identity key.")
        }
        try checkKeyTime(rotation.keyCreatedAt)
        let me = caller.pocID.rawValue
        guard let current = try await storeCall("poc", { try await store.poc(id: me) }) else { throw .unauthorized }
        if current.boxKey == boxKey.rawRepresentation && current.keyCreatedAt == rotation.keyCreatedAt.description
            && current.keySignature == rotation.keySignature.data
        {
            return try entry(of: current, lastPing: nil)
        }
        let currentTime = try readable("key_created_at of \(me)") { try Timestamp(parsing: current.keyCreatedAt) }
        if rotation.keyCreatedAt < currentTime {
            throw .unprocessable(
                "key_created_at (\(rotation.keyCreatedAt)) is older than your current key certificate (\(currentTime)): "
                    + "a key certificate is only replaced by a newer one. Make a new key and sign its certificate now.")
        }
        let used = try await storeCall("key events") { try await store.keyEvents(pocID: me) }
        guard !used.contains(where: { $0.boxKey == boxKey.rawRepresentation }) else {
            throw .unprocessable("This encryption key was yours before; a rotation needs a new key. Make a new key and sign its certificate.")
        }
        let record = try await storeCall("rotate key") {
            try await store.rotateBoxKey(
                pocID: caller.pocID.rawValue, boxKey: boxKey.rawRepresentation, keyCreatedAt: rotation.keyCreatedAt.description,
                keySignature: rotation.keySignature.data, now: now)
        }
        logger.info("box key rotated", metadata: ["poc_id": "\(caller.pocID)"])
        return try entry(of: record, lastPing: nil)
    }

    /// 422 unless `time` is at most ``RelayServiceConfiguration/maxKeyClockSkew`` ahead of the relay's clock.
    func checkKeyTime(_ time: Timestamp) throws(RelayFailure) {
        let now = Timestamp(now)
        guard time.secondsSince1970 <= now.secondsSince1970 + configuration.maxKeyClockSkew else {
            throw .unprocessable(
                "key_created_at (\(time)) is more than \(configuration.maxKeyClockSkew / 3600) hours ahead of the relay's clock (\(now)): "
                    + "check the computer's clock and time zone, then sign the key certificate again.")
        }
    }
}
