public import Foundation
internal import GRDB

extension RelayStore {
    /// One POC, active or revoked.
    ///
    /// - Parameters:
    ///   - id: The POC id.
    /// - Returns: The POC, or nil if no POC has that id.
    /// - Throws: ``StoreError`` on a database failure.
    public func poc(id: String) async throws -> POCRecord? {
        try await read { db in try POCRecord.fetch(db, id: id) }
    }

    /// Several POCs by id in one read, active or revoked; unknown ids are absent.
    ///
    /// - Parameters:
    ///   - ids: The POC ids (at most a few thousand).
    /// - Returns: The POCs found, by id.
    /// - Throws: ``StoreError`` on a database failure.
    public func pocs(ids: [String]) async throws -> [String: POCRecord] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            let records = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(POCRecord.columns) FROM pocs WHERE poc_id IN (\(databaseQuestionMarks(count: ids.count)))"),
                arguments: StatementArguments(ids)
            ).map(POCRecord.init(row:))
            return Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The active POCs, sorted by id in byte order (the directory signature order).
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func activePOCs() async throws -> [POCRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(POCRecord.columns) FROM pocs WHERE status = 'active' ORDER BY poc_id")
            ).map(POCRecord.init(row:))
        }
    }

    /// Every POC, active and revoked, sorted by id in byte order.
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func allPOCs() async throws -> [POCRecord] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT \(POCRecord.columns) FROM pocs ORDER BY poc_id"))
                .map(POCRecord.init(row:))
        }
    }

    /// The directory version and every POC, read in one snapshot so that the
    /// version the server signs matches the entries it lists.
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func directorySnapshot() async throws -> DirectorySnapshot {
        try await read { db in
            let version = try Self.directoryVersion(db)
            let entries = try Row.fetchAll(db.cachedStatement(sql: "SELECT \(POCRecord.columns) FROM pocs ORDER BY poc_id"))
                .map(POCRecord.init(row:))
            return DirectorySnapshot(version: version, entries: entries)
        }
    }

    /// The directory version counter; it grows by one with every change to an
    /// entry's keys, status or descriptive fields.
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func directoryVersion() async throws -> Int {
        try await read { db in try Self.directoryVersion(db) }
    }

    /// Replaces an active POC's descriptive fields (not its keys, state or
    /// role), logs an `update` key event and bumps the directory version.
    ///
    /// - Parameters:
    ///   - pocID: The POC id.
    ///   - entryJSON: The new descriptive fields as JSON text (validated by the server).
    ///   - now: The current time.
    /// - Returns: The updated POC.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/notFound`` if the POC
    ///   is unknown or revoked, or on a database failure.
    @discardableResult
    public func updateEntry(pocID: String, entryJSON: String, now: Date) async throws -> POCRecord {
        try await write { db in
            let t = now.unixSeconds
            try db.cachedStatement(sql: "UPDATE pocs SET entry_json = ?, updated_at = ? WHERE poc_id = ? AND status = 'active'").execute(arguments: [
                entryJSON, t, pocID,
            ])
            return try Self.finishEntryChange(db, pocID: pocID, kind: .update, boxKey: nil, at: t)
        }
    }

    /// Replaces an active POC's X25519 key and its certificate, logs a
    /// `rotate` key event and bumps the directory version.
    ///
    /// - Parameters:
    ///   - pocID: The POC id.
    ///   - boxKey: The new X25519 public key.
    ///   - keyCreatedAt: The signed `key_created_at` string.
    ///   - keySignature: The new key certificate (verified by the server).
    ///   - now: The current time.
    /// - Returns: The updated POC.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/notFound`` if the POC
    ///   is unknown or revoked, or on a database failure.
    @discardableResult
    public func rotateBoxKey(
        pocID: String, boxKey: Data, keyCreatedAt: String, keySignature: Data, now: Date
    ) async throws -> POCRecord {
        try await write { db in
            let t = now.unixSeconds
            try db.cachedStatement(
                sql: """
                    UPDATE pocs SET box_key = ?, key_created_at = ?, key_signature = ?, updated_at = ?
                    WHERE poc_id = ? AND status = 'active'
                    """
            ).execute(arguments: [boxKey, keyCreatedAt, keySignature, t, pocID])
            return try Self.finishEntryChange(db, pocID: pocID, kind: .rotate, boxKey: boxKey, at: t)
        }
    }

    /// Revokes a POC: it leaves the signed directory, its sessions are deleted
    /// at once, a `revoke` key event is logged and the directory version bumped.
    ///
    /// Revoking a revoked POC changes nothing and returns it as it is.
    ///
    /// - Parameters:
    ///   - pocID: The POC id.
    ///   - now: The current time.
    /// - Returns: The revoked POC.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/notFound`` if no POC
    ///   has that id, or on a database failure.
    @discardableResult
    public func revoke(pocID: String, now: Date) async throws -> POCRecord {
        try await write { db in
            let t = now.unixSeconds
            try db.cachedStatement(
                sql: """
                    UPDATE pocs SET status = 'revoked', revoked_at = ?, updated_at = ?
                    WHERE poc_id = ? AND status = 'active'
                    """
            ).execute(arguments: [t, t, pocID])
            if db.changesCount == 0 {
                guard let poc = try POCRecord.fetch(db, id: pocID) else {
                    throw StoreError(.notFound, reason: "no POC has this id")
                }
                return poc
            }
            let poc = try Self.finishEntryChange(db, pocID: pocID, kind: .revoke, boxKey: nil, at: t)
            try db.cachedStatement(sql: "DELETE FROM sessions WHERE poc_id = ?").execute(arguments: [pocID])
            return poc
        }
    }

    /// The key events of one POC, oldest first.
    ///
    /// - Parameters:
    ///   - pocID: The POC id.
    /// - Throws: ``StoreError`` on a database failure.
    public func keyEvents(pocID: String) async throws -> [KeyEvent] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT kind, box_key, at FROM key_events WHERE poc_id = ? ORDER BY id"),
                arguments: [pocID]
            ).map { KeyEvent(kind: try $0.value("kind", as: KeyEvent.Kind.self), boxKey: $0["box_key"], at: Date(unixSeconds: $0["at"])) }
        }
    }

    /// The current directory version (inside the caller's transaction).
    static func directoryVersion(_ db: Database) throws -> Int {
        guard
            let version = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [Migrations.directoryVersionKey])
        else {
            throw StoreError(.corrupt, reason: "the directory version counter is missing")
        }
        return version
    }

    /// After an UPDATE of one active POC: throws notFound if it changed no
    /// row, else logs the key event, bumps the version and returns the POC.
    private static func finishEntryChange(
        _ db: Database, pocID: String, kind: KeyEvent.Kind, boxKey: Data?, at t: Int64
    ) throws -> POCRecord {
        guard db.changesCount == 1 else {
            throw StoreError(.notFound, reason: "no active POC has this id")
        }
        try logKeyEvent(db, pocID: pocID, kind: kind, boxKey: boxKey, at: t)
        try bumpDirectoryVersion(db)
        guard let poc = try POCRecord.fetch(db, id: pocID) else {
            throw StoreError(.corrupt, reason: "the POC vanished")
        }
        return poc
    }
}
