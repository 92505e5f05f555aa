public import Foundation
internal import GRDB

extension RelayStore {
    /// Records a bearer session for an active POC.
    ///
    /// - Parameters:
    ///   - tokenHash: The hash of the bearer token (the store never sees the token).
    ///   - pocID: The POC the session authenticates.
    ///   - expiresAt: The first second at which the session no longer works.
    ///   - now: The current time.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/notFound`` if the POC
    ///   is unknown or revoked, ``StoreError/Code/duplicate`` if the hash is
    ///   already recorded, or on a database failure.
    public func createSession(tokenHash: Data, pocID: String, expiresAt: Date, now: Date) async throws {
        try await write { db in
            guard try POCRecord.isActive(db, id: pocID) else {
                throw StoreError(.notFound, reason: "no active POC has this id")
            }
            let exists =
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?)"), arguments: [tokenHash]) ?? false
            guard !exists else {
                throw StoreError(.duplicate, reason: "a session with this token hash exists already")
            }
            try db.cachedStatement(sql: "INSERT INTO sessions (token_hash, poc_id, created_at, expires_at) VALUES (?, ?, ?, ?)").execute(arguments: [
                tokenHash, pocID, now.unixSeconds, expiresAt.unixSeconds,
            ])
        }
    }

    /// The POC a bearer token authenticates.
    ///
    /// - Parameters:
    ///   - tokenHash: The hash of the presented bearer token.
    ///   - now: The current time; a session works while `now < expiresAt`.
    /// - Returns: The POC, or nil if the session is unknown or expired or the
    ///   POC is revoked (one answer for every cause).
    /// - Throws: ``StoreError`` on a database failure.
    public func sessionPOC(tokenHash: Data, now: Date) async throws -> POCRecord? {
        try await activeSession(tokenHash: tokenHash, now: now)?.poc
    }

    /// Like ``sessionPOC(tokenHash:now:)``, with the session's expiry (for a
    /// cache that must stop using it at that moment).
    public func activeSession(tokenHash: Data, now: Date) async throws -> (poc: POCRecord, expiresAt: Date)? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT \(POCRecord.columns), session_expires_at
                        FROM pocs, (
                            SELECT poc_id AS session_poc, expires_at AS session_expires_at FROM sessions
                            WHERE token_hash = ? AND expires_at > ?)
                        WHERE poc_id = session_poc AND status = 'active'
                        """),
                arguments: [tokenHash, now.unixSeconds]
            ).map { row in (try POCRecord(row: row), Date(unixSeconds: row["session_expires_at"])) }
        }
    }

    /// Deletes one session (logout). Deleting an unknown session does nothing.
    ///
    /// - Parameters:
    ///   - tokenHash: The hash of the bearer token.
    /// - Throws: ``StoreError`` on a database failure.
    public func deleteSession(tokenHash: Data) async throws {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM sessions WHERE token_hash = ?").execute(arguments: [tokenHash])
        }
    }

    /// Deletes every expired session.
    ///
    /// - Parameters:
    ///   - now: The current time; sessions with `expiresAt <= now` go.
    /// - Returns: The number of sessions deleted.
    /// - Throws: ``StoreError`` on a database failure.
    @discardableResult
    public func purgeExpiredSessions(now: Date) async throws -> Int {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM sessions WHERE expires_at <= ?").execute(arguments: [now.unixSeconds])
            return db.changesCount
        }
    }

    /// Deletes every expired challenge, used or not: an expired challenge can
    /// never be consumed, so its row only takes room (challenges for unknown
    /// ids are issued to anyone who asks).
    ///
    /// - Parameters:
    ///   - now: The current time; challenges with `expiresAt <= now` go.
    /// - Returns: The number of challenges deleted.
    /// - Throws: ``StoreError`` on a database failure.
    @discardableResult
    public func purgeExpiredChallenges(now: Date) async throws -> Int {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM challenges WHERE expires_at <= ?").execute(arguments: [now.unixSeconds])
            return db.changesCount
        }
    }

    /// Records an authentication challenge issued for a POC id.
    ///
    /// The id is not checked: the relay answers unknown ids the same way, and
    /// such a challenge can simply never be consumed.
    ///
    /// - Parameters:
    ///   - challenge: The random challenge bytes (32 in protocol v1).
    ///   - pocID: The id it was issued for.
    ///   - expiresAt: The first second at which it no longer works.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/duplicate`` if the same
    ///   challenge exists already, or on a database failure.
    public func createChallenge(challenge: Data, pocID: String, expiresAt: Date) async throws {
        try await write { db in
            let exists =
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM challenges WHERE challenge = ?)"), arguments: [challenge]) ?? false
            guard !exists else {
                throw StoreError(.duplicate, reason: "this challenge exists already")
            }
            try db.cachedStatement(sql: "INSERT INTO challenges (challenge, poc_id, expires_at) VALUES (?, ?, ?)").execute(arguments: [
                challenge, pocID, expiresAt.unixSeconds,
            ])
        }
    }

    /// Consumes a challenge: it works once, for the id it was issued for, before it expires.
    ///
    /// Call it before verifying the signature, so that a failed attempt also
    /// burns the challenge.
    ///
    /// - Parameters:
    ///   - challenge: The presented challenge bytes.
    ///   - pocID: The id presenting it.
    ///   - now: The current time; a challenge works while `now < expiresAt`.
    /// - Returns: true if it was valid and is now used; false if unknown, used,
    ///   expired or issued for another id.
    /// - Throws: ``StoreError`` on a database failure.
    public func consumeChallenge(challenge: Data, pocID: String, now: Date) async throws -> Bool {
        try await write { db in
            let t = now.unixSeconds
            try db.cachedStatement(
                sql: """
                    UPDATE challenges SET used_at = ?
                    WHERE challenge = ? AND poc_id = ? AND used_at IS NULL AND expires_at > ?
                    """
            ).execute(arguments: [t, challenge, pocID, t])
            return db.changesCount == 1
        }
    }
}
