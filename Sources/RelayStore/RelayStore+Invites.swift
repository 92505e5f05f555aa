public import Foundation
internal import GRDB

extension RelayStore {
    /// The roles a POC may have.
    static let roles: Set<String> = ["diplomatic", "technical", "custodian"]

    /// Records an invite that lets one POC of a state and role enrol.
    ///
    /// - Parameters:
    ///   - tokenHash: The hash of the invite token (the store never sees the token).
    ///   - state: ISO 3166-1 alpha-3 code, three uppercase letters (`UNO` for custodians).
    ///   - role: `diplomatic`, `technical` or `custodian`.
    ///   - expiresAt: The first second at which the invite no longer works.
    ///   - now: The current time.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument`` for a
    ///   malformed state or unknown role, ``StoreError/Code/duplicate`` if the
    ///   hash is already recorded, or on a database failure.
    public func createInvite(tokenHash: Data, state: String, role: String, expiresAt: Date, now: Date) async throws {
        try Self.validate(state: state, role: role)
        try await write { db in
            let exists =
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM invites WHERE token_hash = ?)", arguments: [tokenHash]) ?? false
            guard !exists else {
                throw StoreError(.duplicate, reason: "an invite with this token hash exists already")
            }
            try db.execute(
                sql: "INSERT INTO invites (token_hash, state, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [tokenHash, state, role, now.unixSeconds, expiresAt.unixSeconds])
        }
    }

    /// Enrols a POC with an invite, atomically: checks the invite, allocates
    /// the next id, stores the POC, marks the invite used, logs an `enrol`
    /// key event and bumps the directory version.
    ///
    /// Ids are `STATE-TEC-n` (technical), `STATE-DIP-n` (diplomatic) and
    /// `CUSTODIAN-n` (custodian, whatever the state), with `n` one more than
    /// the highest ever given for that prefix (ids are never reused).
    ///
    /// - Parameters:
    ///   - tokenHash: The hash of the presented invite token.
    ///   - now: The current time; the invite works while `now < expiresAt`.
    ///   - newPOC: The keys and entry supplied by the client.
    /// - Returns: The new POC.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/inviteInvalid`` if
    ///   the invite is unknown, used or expired (the invite stays as it was);
    ///   ``StoreError/Code/duplicate`` if the signing key belongs to another POC
    ///   (the invite stays unused); or on a database failure.
    public func redeemInvite(tokenHash: Data, now: Date, newPOC: NewPOC) async throws -> POCRecord {
        try await write { db in
            let t = now.unixSeconds
            guard
                let invite = try Row.fetchOne(
                    db,
                    sql: "SELECT state, role FROM invites WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                    arguments: [tokenHash, t])
            else {
                throw StoreError(.inviteInvalid, reason: "the invite is unknown, used or expired")
            }
            let state: String = invite["state"]
            let role: String = invite["role"]
            let keyTaken =
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM pocs WHERE signing_key = ?)",
                    arguments: [newPOC.signingKey]) ?? false
            guard !keyTaken else {
                throw StoreError(.duplicate, reason: "this signing key is already enrolled")
            }
            let id = try Self.nextPOCID(db, state: state, role: role)
            try db.execute(
                sql: "INSERT OR IGNORE INTO states (code, joined_at) VALUES (?, ?)", arguments: [state, t])
            try db.execute(
                sql: """
                    INSERT INTO pocs (poc_id, state, role, status, entry_json, signing_key, box_key,
                        key_created_at, key_signature, created_at, updated_at)
                    VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, state, role, newPOC.entryJSON, newPOC.signingKey, newPOC.boxKey,
                    newPOC.keyCreatedAt, newPOC.keySignature, t, t,
                ])
            try db.execute(
                sql: "UPDATE invites SET used_at = ?, used_by = ? WHERE token_hash = ?",
                arguments: [t, id, tokenHash])
            try Self.logKeyEvent(db, pocID: id, kind: "enrol", boxKey: newPOC.boxKey, at: t)
            try Self.bumpDirectoryVersion(db)
            guard let poc = try POCRecord.fetch(db, id: id) else {
                throw StoreError(.corrupt, reason: "the new POC vanished")
            }
            return poc
        }
    }

    /// Every state with an enrolled POC, by code, with its active POCs by role.
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func listStates() async throws -> [StateSummary] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.code, s.joined_at,
                        COUNT(CASE WHEN p.status = 'active' AND p.role = 'diplomatic' THEN 1 END) AS dip,
                        COUNT(CASE WHEN p.status = 'active' AND p.role = 'technical' THEN 1 END) AS tec,
                        COUNT(CASE WHEN p.status = 'active' AND p.role = 'custodian' THEN 1 END) AS cus
                    FROM states s LEFT JOIN pocs p ON p.state = s.code
                    GROUP BY s.code ORDER BY s.code
                    """
            ).map { row in
                StateSummary(
                    code: row["code"], joinedAt: Date(unixSeconds: row["joined_at"]),
                    activeDiplomatic: row["dip"], activeTechnical: row["tec"], activeCustodian: row["cus"])
            }
        }
    }

    /// Throws `invalidArgument` unless `state` is three uppercase ASCII letters
    /// and `role` a known role.
    static func validate(state: String, role: String) throws {
        let isCode = state.utf8.count == 3 && state.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        guard isCode else {
            throw StoreError(.invalidArgument, reason: "a state code is three uppercase letters (ISO 3166-1 alpha-3)")
        }
        guard roles.contains(role) else {
            throw StoreError(.invalidArgument, reason: "a role is diplomatic, technical or custodian")
        }
    }

    /// The next free id for a state and role (inside the caller's transaction).
    static func nextPOCID(_ db: Database, state: String, role: String) throws -> String {
        let prefix: String
        let existing: [String]
        if role == "custodian" {
            prefix = "CUSTODIAN-"
            existing = try String.fetchAll(db, sql: "SELECT poc_id FROM pocs WHERE role = 'custodian'")
        } else {
            prefix = "\(state)-\(role == "technical" ? "TEC" : "DIP")-"
            existing = try String.fetchAll(
                db, sql: "SELECT poc_id FROM pocs WHERE state = ? AND role = ?", arguments: [state, role])
        }
        let highest =
            existing.compactMap { id -> Int? in
                guard id.hasPrefix(prefix) else { return nil }
                return Int(id.dropFirst(prefix.count))
            }.max() ?? 0
        return "\(prefix)\(highest + 1)"
    }

    /// Appends a key event (inside the caller's transaction).
    static func logKeyEvent(_ db: Database, pocID: String, kind: String, boxKey: Data?, at: Int64) throws {
        try db.execute(
            sql: "INSERT INTO key_events (poc_id, kind, box_key, at) VALUES (?, ?, ?, ?)",
            arguments: [pocID, kind, boxKey, at])
    }
}
