public import Foundation
internal import GRDB

extension RelayStore {
    /// The invitations, oldest first (in creation order): the outstanding ones (unused and
    /// unexpired), or all of them.
    ///
    /// - Parameters:
    ///   - now: The current time, which decides what has expired.
    ///   - includeAll: Whether used, expired and withdrawn ones are listed too.
    /// - Throws: ``StoreError`` on a database failure.
    public func invites(now: Date, includeAll: Bool) async throws -> [InviteRecord] {
        try await read { db in
            let rows: [Row]
            if includeAll {
                rows = try Row.fetchAll(db, sql: "SELECT \(InviteRecord.columns) FROM invites ORDER BY created_at, rowid")
            } else {
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(InviteRecord.columns) FROM invites
                        WHERE used_at IS NULL AND expires_at > ? AND expires_at > created_at
                        ORDER BY created_at, rowid
                        """,
                    arguments: [now.unixSeconds])
            }
            return try rows.map { try InviteRecord(row: $0, now: now) }
        }
    }

    /// Withdraws an outstanding invitation: from then on it never works. One
    /// already used, expired or withdrawn is left as it is.
    ///
    /// - Parameters:
    ///   - id: The invitation id (``InviteRecord/idLength`` lowercase hex digits).
    ///   - now: The current time.
    /// - Returns: The invitation as it stood before, and whether this call withdrew it.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument`` for a
    ///   malformed id or one that two invitations share, ``StoreError/Code/notFound``
    ///   when no invitation has it, or on a database failure.
    public func withdrawInvite(id: String, now: Date) async throws -> (invite: InviteRecord, withdrawn: Bool) {
        let isID =
            id.utf8.count == InviteRecord.idLength
            && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        guard isID else {
            throw StoreError(.invalidArgument, reason: "an invitation id is \(InviteRecord.idLength) lowercase hex digits")
        }
        return try await write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(InviteRecord.columns) FROM invites WHERE substr(lower(hex(token_hash)), 1, ?) = ?",
                arguments: [InviteRecord.idLength, id])
            guard let row = rows.first else { throw StoreError(.notFound, reason: "no invitation has this id") }
            guard rows.count == 1 else { throw StoreError(.invalidArgument, reason: "two invitations share this id") }
            let invite = try InviteRecord(row: row, now: now)
            guard invite.status == .outstanding else { return (invite, false) }
            let hash: Data = row["token_hash"]
            try db.execute(
                sql: "UPDATE invites SET expires_at = created_at WHERE token_hash = ? AND used_at IS NULL", arguments: [hash])
            return (invite, db.changesCount == 1)
        }
    }
}
