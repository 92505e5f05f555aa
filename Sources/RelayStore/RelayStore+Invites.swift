public import Foundation
internal import GRDB
public import RelayProtocol

extension RelayStore {
    /// Records an invite that lets one POC of a state and role enrol.
    ///
    /// - Parameters:
    ///   - tokenHash: The hash of the invite token (the store never sees the token).
    ///   - state: ISO 3166-1 alpha-3 code, three uppercase letters (`UNO` for custodians).
    ///   - role: The role of the POC that will enrol.
    ///   - expiresAt: The first second at which the invite no longer works.
    ///   - now: The current time.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument`` for a
    ///   malformed state, ``StoreError/Code/duplicate`` if the
    ///   hash is already recorded, or on a database failure.
    public func createInvite(tokenHash: Data, state: String, role: Role, expiresAt: Date, now: Date) async throws {
        try Self.validate(state: state)
        try await write { db in
            let exists =
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM invites WHERE token_hash = ?)", arguments: [tokenHash]) ?? false
            guard !exists else {
                throw StoreError(.duplicate, reason: "an invite with this token hash exists already")
            }
            try db.execute(
                sql: "INSERT INTO invites (token_hash, state, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [tokenHash, state, role.rawValue, now.unixSeconds, expiresAt.unixSeconds])
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
            let role = try invite.value("role", as: Role.self)
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
                    id, state, role.rawValue, newPOC.entryJSON, newPOC.signingKey, newPOC.boxKey,
                    newPOC.keyCreatedAt, newPOC.keySignature, t, t,
                ])
            try db.execute(
                sql: "UPDATE invites SET used_at = ?, used_by = ? WHERE token_hash = ?",
                arguments: [t, id, tokenHash])
            try Self.logKeyEvent(db, pocID: id, kind: .enrol, boxKey: newPOC.boxKey, at: t)
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

    /// Throws `invalidArgument` unless `state` is three uppercase ASCII letters.
    static func validate(state: String) throws {
        let isCode = state.utf8.count == 3 && state.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        guard isCode else {
            throw StoreError(.invalidArgument, reason: "a state code is three uppercase letters (ISO 3166-1 alpha-3)")
        }
    }

    /// The next free id for a state and role (inside the caller's transaction).
    /// - Throws: ``StoreError/Code/unreadableRow`` for a stored id of that
    ///   state and role that is not `PREFIX-n` (it would make the next id a guess).
    static func nextPOCID(_ db: Database, state: String, role: Role) throws -> String {
        let prefix: String
        let existing: [String]
        switch role {
        case .custodian:
            prefix = "CUSTODIAN-"
            existing = try String.fetchAll(db, sql: "SELECT poc_id FROM pocs WHERE role = 'custodian'")
        case .technical, .diplomatic:
            prefix = "\(state)-\(role == .technical ? "TEC" : "DIP")-"
            existing = try String.fetchAll(
                db, sql: "SELECT poc_id FROM pocs WHERE state = ? AND role = ?", arguments: [state, role.rawValue])
        }
        var highest = 0
        for id in existing {
            guard id.hasPrefix(prefix), let number = Int(id.dropFirst(prefix.count)) else {
                throw StoreError(.unreadableRow, reason: "a POC id of this state and role is not \(prefix)n")
            }
            highest = max(highest, number)
        }
        return "\(prefix)\(highest + 1)"
    }

    /// Appends a key event (inside the caller's transaction).
    static func logKeyEvent(_ db: Database, pocID: String, kind: KeyEvent.Kind, boxKey: Data?, at: Int64) throws {
        try db.execute(
            sql: "INSERT INTO key_events (poc_id, kind, box_key, at) VALUES (?, ?, ?, ?)",
            arguments: [pocID, kind.rawValue, boxKey, at])
    }
}
