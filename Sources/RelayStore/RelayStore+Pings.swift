public import Foundation
internal import GRDB

extension RelayStore {
    /// Stores a campaign and all its pings in one transaction.
    ///
    /// - Parameters:
    ///   - campaignID: The campaign id, chosen by the server.
    ///   - issuedAt: The issue time of every ping.
    ///   - deadline: The answer deadline of every ping.
    ///   - pings: One ping per POC (see ``activePingablePOCs()``).
    /// - Throws: ``StoreError`` with code ``StoreError/Code/duplicate`` if the
    ///   campaign id or a ping id exists already, ``StoreError/Code/invalidArgument``
    ///   for a deadline before the issue time, a POC pinged twice or an unknown
    ///   POC, or on a database failure. Nothing is stored on error.
    public func startCampaign(campaignID: String, issuedAt: Date, deadline: Date, pings: [NewPing]) async throws {
        let issued = issuedAt.unixSeconds
        let due = deadline.unixSeconds
        guard due >= issued else {
            throw StoreError(.invalidArgument, reason: "a campaign deadline cannot precede its issue time")
        }
        guard Set(pings.map(\.pocID)).count == pings.count else {
            throw StoreError(.invalidArgument, reason: "a campaign pings each POC once")
        }
        try await write { db in
            let exists =
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM ping_campaigns WHERE campaign_id = ?)",
                    arguments: [campaignID]) ?? false
            guard !exists else {
                throw StoreError(.duplicate, reason: "a campaign with this id exists already")
            }
            try db.execute(
                sql: "INSERT INTO ping_campaigns (campaign_id, issued_at, deadline) VALUES (?, ?, ?)",
                arguments: [campaignID, issued, due])
            for ping in pings {
                let pingExists =
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM pings WHERE ping_id = ?)", arguments: [ping.pingID]) ?? false
                guard !pingExists else {
                    throw StoreError(.duplicate, reason: "a ping with this id exists already")
                }
                let known =
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM pocs WHERE poc_id = ?)", arguments: [ping.pocID]) ?? false
                guard known else {
                    throw StoreError(.invalidArgument, reason: "a ping names an unknown POC")
                }
                try db.execute(
                    sql: """
                        INSERT INTO pings (ping_id, campaign_id, poc_id, challenge, issued_at, deadline)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [ping.pingID, campaignID, ping.pocID, ping.challenge, issued, due])
            }
        }
    }

    /// The POCs a campaign pings: active, diplomatic or technical, sorted by id.
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func activePingablePOCs() async throws -> [POCRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(POCRecord.columns) FROM pocs
                    WHERE status = 'active' AND role IN ('diplomatic', 'technical') ORDER BY poc_id
                    """
            ).map { try POCRecord(row: $0) }
        }
    }

    /// Every unanswered ping of a POC, past its deadline or not (a late answer
    /// is still recorded, as `late`), oldest first.
    ///
    /// - Parameters:
    ///   - pocID: The POC id.
    /// - Throws: ``StoreError`` on a database failure.
    public func pendingPings(pocID: String) async throws -> [PingRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.pingColumns) FROM pings
                    WHERE poc_id = ? AND answered_at IS NULL ORDER BY issued_at, ping_id
                    """,
                arguments: [pocID]
            ).map(Self.pingRecord(row:))
        }
    }

    /// One ping.
    ///
    /// - Parameters:
    ///   - id: The ping id.
    /// - Returns: The ping, or nil if unknown.
    /// - Throws: ``StoreError`` on a database failure.
    public func ping(id: String) async throws -> PingRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.pingColumns) FROM pings WHERE ping_id = ?", arguments: [id])
                .map(Self.pingRecord(row:))
        }
    }

    /// Records a POC's answer to its ping (signature verified by the server).
    ///
    /// - Parameters:
    ///   - pingID: The ping id.
    ///   - pocID: The caller's POC id.
    ///   - signature: The answer signature.
    ///   - now: The answer time; on time when `now <= deadline`.
    /// - Returns: `.answered`, `.alreadyAnswered` (first answer kept), or
    ///   `.notFound` for an unknown ping or one of another POC.
    /// - Throws: ``StoreError`` on a database failure.
    public func answerPing(
        pingID: String, pocID: String, signature: Data, now: Date
    ) async throws
        -> PingAnswerOutcome
    {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT deadline, answered_at FROM pings WHERE ping_id = ? AND poc_id = ?",
                    arguments: [pingID, pocID])
            else {
                return .notFound
            }
            let deadline: Int64 = row["deadline"]
            if let answered = row["answered_at"] as Int64? {
                return .alreadyAnswered(at: Date(unixSeconds: answered), onTime: answered <= deadline)
            }
            let t = now.unixSeconds
            try db.execute(
                sql: "UPDATE pings SET answered_at = ?, answer_signature = ? WHERE ping_id = ?",
                arguments: [t, signature, pingID])
            return .answered(at: Date(unixSeconds: t), onTime: t <= deadline)
        }
    }

    /// Each POC's most recent ping (by issue time, then the order campaigns were started), for the
    /// directory's `last_ping`.
    ///
    /// - Returns: POC id to its last ping; a POC never pinged is absent.
    /// - Throws: ``StoreError`` on a database failure.
    public func lastPings() async throws -> [String: PingRecord] {
        try await read { db in
            var result: [String: PingRecord] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.pingColumns) FROM pings ORDER BY issued_at, rowid")
            for ping in rows.map(Self.pingRecord(row:)) { result[ping.pocID] = ping }
            return result
        }
    }

    static let pingColumns =
        "ping_id, campaign_id, poc_id, challenge, issued_at, deadline, answered_at, answer_signature"

    static func pingRecord(row: Row) -> PingRecord {
        PingRecord(
            pingID: row["ping_id"], campaignID: row["campaign_id"], pocID: row["poc_id"],
            issuedAt: Date(unixSeconds: row["issued_at"]), deadline: Date(unixSeconds: row["deadline"]),
            challenge: row["challenge"],
            answeredAt: row.date("answered_at"),
            answerSignature: row["answer_signature"])
    }
}
