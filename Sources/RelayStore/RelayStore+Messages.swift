public import Foundation
internal import GRDB
import RelayProtocol

extension RelayStore {
    /// Stores one envelope in its own transaction. When this returns
    /// `.accepted`, the envelope is committed with `synchronous = FULL`.
    ///
    /// - Parameters:
    ///   - envelope: The envelope, already checked by the server.
    ///   - now: The acceptance time (stored to the second).
    /// - Returns: `.accepted`, `.duplicate`, `.conflict` or `.invalid`.
    /// - Throws: ``StoreError`` on a database failure (nothing stored).
    public func submit(envelope: NewEnvelope, now: Date, alertDelays: AlertDelays = .none) async throws -> SubmitOutcome {
        try await submit(batch: [envelope], now: now, alertDelays: alertDelays)[0]
    }

    /// Stores several envelopes in ONE transaction (group commit: one disk
    /// sync for all). Each item is independent: a conflict or invalid item
    /// does not affect the others; two items with one id behave as if
    /// submitted one after the other.
    ///
    /// - Parameters:
    ///   - batch: The envelopes, already checked by the server.
    ///   - now: The acceptance time of every accepted item (stored to the second).
    ///   - alertDelays: When each accepted delivery's alert checks fall due
    ///     (section 10); they are written in the same transaction, so an
    ///     accepted message never misses its alerts, whatever restarts follow.
    /// - Returns: One outcome per item, in order.
    /// - Throws: ``StoreError`` on a database failure (then nothing is stored).
    public func submit(batch: [NewEnvelope], now: Date, alertDelays: AlertDelays = .none) async throws -> [SubmitOutcome] {
        try await write { db in
            try batch.map { try Self.submitOne(db, $0, now: now.unixSeconds, alertDelays: alertDelays) }
        }
    }

    /// One item of a batch, inside the caller's transaction, in its own savepoint.
    private static func submitOne(_ db: Database, _ envelope: NewEnvelope, now t: Int64, alertDelays: AlertDelays) throws -> SubmitOutcome {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT envelope_hash, accepted_at FROM envelopes WHERE id = ?"), arguments: [envelope.id])
        {
            let storedHash: Data = row["envelope_hash"]
            return storedHash == envelope.envelopeHash
                ? .duplicate(acceptedAt: Date(unixSeconds: row["accepted_at"])) : .conflict
        }
        guard !envelope.wrappedKeys.isEmpty else { return .invalid }
        let rank = envelope.urgency.rank
        // The server checked the sender and recipients before, possibly from its
        // cache: a revocation committed since (by another process) is seen here,
        // under the write lock, so no message is stored for a revoked POC.
        for poc in [envelope.sender] + envelope.wrappedKeys.keys where try !POCRecord.isActive(db, id: poc) {
            return .invalid
        }
        do {
            try db.inSavepoint {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO envelopes (id, sender, urgency, urgency_rank, exercise, commitment, body,
                            body_size, body_sha256, envelope_hash, accepted_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    envelope.id, envelope.sender, envelope.urgency.rawValue, rank, envelope.exercise,
                    envelope.commitment, envelope.body, envelope.body.count, envelope.bodySHA256, envelope.envelopeHash,
                    t, envelope.expiresAt.unixSeconds,
                ])
                for (recipient, key) in envelope.wrappedKeys {
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO deliveries (message_id, recipient, urgency_rank, accepted_at, wrapped_key)
                            VALUES (?, ?, ?, ?, ?)
                            """
                    ).execute(arguments: [envelope.id, recipient, rank, t, key])
                    try writeAlertChecks(
                        db, messageID: envelope.id, recipient: recipient, urgency: envelope.urgency, exercise: envelope.exercise,
                        acceptedAt: t, delays: alertDelays)
                }
                return .commit
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            return .invalid
        }
        return .accepted(acceptedAt: Date(unixSeconds: t))
    }

    /// The recipient's waiting messages (no receipt yet and body still on the
    /// relay; most urgent first, then oldest first, then in submission order),
    /// read without a write transaction: a long poll never queues behind the
    /// writer or waits for a disk sync to learn that nothing is there. Record
    /// the first fetch of the `unfetched` ones with ``markFetched(_:now:)``.
    ///
    /// - Parameters:
    ///   - recipient: The caller's POC id.
    ///   - limit: At most this many messages.
    /// - Returns: The messages, and the ids of those never fetched before (to pass to ``markFetched(_:now:)``).
    /// - Throws: ``StoreError`` on a database failure.
    public func waitingMessages(recipient: String, limit: Int) async throws -> (items: [InboxItem], unfetched: [String]) {
        try await read { db in try Self.waitingMessages(db, recipient: recipient, limit: limit) }
    }

    /// Like ``waitingMessages(recipient:limit:)``, in the same read as a check
    /// that the recipient is an active POC (a long poll's every turn).
    /// - Returns: nil when the recipient is unknown or revoked.
    public func activeInbox(recipient: String, limit: Int) async throws -> (items: [InboxItem], unfetched: [String])? {
        try await read { db in
            guard try POCRecord.isActive(db, id: recipient) else { return nil }
            return try Self.waitingMessages(db, recipient: recipient, limit: limit)
        }
    }

    private static func waitingMessages(_ db: Database, recipient: String, limit: Int) throws -> (items: [InboxItem], unfetched: [String]) {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT e.id, e.sender, e.urgency, e.exercise, e.accepted_at, d.wrapped_key,
                        e.commitment, e.body, d.fetched_at
                    FROM deliveries d JOIN envelopes e ON e.id = d.message_id
                    WHERE d.recipient = ? AND d.receipt_at IS NULL
                        AND d.wrapped_key IS NOT NULL AND e.body IS NOT NULL
                    ORDER BY d.urgency_rank, d.accepted_at, d.rowid  -- rowid: submission order within a second
                    LIMIT ?
                    """),
            arguments: [recipient, max(0, limit)])
        var unfetched: [String] = []
        let items = try rows.map { row in
            let id: String = row["id"]
            let fetchedAt: Int64? = row["fetched_at"]
            if fetchedAt == nil { unfetched.append(id) }
            return InboxItem(
                id: id, from: row["sender"], to: try Self.recipients(db, messageID: id),
                urgency: try row.value("urgency", as: Urgency.self), exercise: row["exercise"],
                acceptedAt: Date(unixSeconds: row["accepted_at"]), wrappedKey: row["wrapped_key"],
                commitment: row["commitment"], body: row["body"])
        }
        return (items, unfetched)
    }

    /// Records the first fetch of deliveries, for several recipients in ONE
    /// transaction, committed and synced like every write (inbox reads share
    /// these commits through the service's group commit). A delivery fetched
    /// before keeps its time.
    ///
    /// - Parameters:
    ///   - marks: Which messages each recipient fetched.
    ///   - now: The fetch time.
    /// - Throws: ``StoreError`` on a database failure (then nothing is recorded).
    public func markFetched(_ marks: [FetchMark], now: Date) async throws {
        guard marks.contains(where: { !$0.messageIDs.isEmpty }) else { return }
        try await write { db in
            for mark in marks {
                for id in mark.messageIDs {
                    try db.cachedStatement(
                        sql: """
                            UPDATE deliveries SET fetched_at = ?
                            WHERE message_id = ? AND recipient = ? AND fetched_at IS NULL
                            """
                    ).execute(arguments: [now.unixSeconds, id, mark.recipient])
                }
            }
        }
    }

    /// Whether the recipient has at least one message waiting (a cheap read
    /// for long polling).
    ///
    /// - Parameters:
    ///   - recipient: The caller's POC id.
    /// - Throws: ``StoreError`` on a database failure.
    public func hasWaitingMessages(recipient: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM deliveries d JOIN envelopes e ON e.id = d.message_id
                            WHERE d.recipient = ? AND d.receipt_at IS NULL
                                AND d.wrapped_key IS NOT NULL AND e.body IS NOT NULL)
                        """),
                arguments: [recipient]) ?? false
        }
    }

    /// The recipients of a message, sorted in byte order (inside the caller's transaction).
    static func recipients(_ db: Database, messageID: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT recipient FROM deliveries WHERE message_id = ? ORDER BY recipient"),
            arguments: [messageID])
    }
}
