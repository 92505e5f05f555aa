public import Foundation
internal import GRDB

extension RelayStore {
    /// Deletes the ciphertext of expired envelopes: bodies and wrapped keys
    /// of every envelope with `expiresAt <= now`. Routing metadata stays.
    ///
    /// - Parameters:
    ///   - now: The current time.
    /// - Returns: The number of bodies deleted.
    /// - Throws: ``StoreError`` on a database failure.
    @discardableResult
    public func deleteExpiredBodies(now: Date) async throws -> Int {
        try await write { db in
            let t = now.unixSeconds
            try db.execute(
                sql: """
                    UPDATE deliveries SET wrapped_key = NULL
                    WHERE wrapped_key IS NOT NULL
                        AND message_id IN (SELECT id FROM envelopes WHERE expires_at <= ?)
                    """,
                arguments: [t])
            try db.execute(
                sql: "UPDATE envelopes SET body = NULL, body_deleted_at = ? WHERE body IS NOT NULL AND expires_at <= ?",
                arguments: [t, t])
            return db.changesCount
        }
    }

    /// Deletes metadata older than the retention period: envelopes accepted
    /// before `cutoff` with their deliveries (whatever their state), ping
    /// campaigns issued before it with their pings, and challenges, sessions
    /// and invites that expired (or, for invites, were used) before it, and
    /// alerts made before it or for such envelopes. POCs, states, alert
    /// settings and key events are kept.
    ///
    /// - Parameters:
    ///   - cutoff: Rows older than this go.
    /// - Returns: The number of rows deleted, cascaded deliveries and pings included.
    /// - Throws: ``StoreError`` on a database failure.
    @discardableResult
    public func purgeMetadata(olderThan cutoff: Date) async throws -> Int {
        try await write { db in
            let t = cutoff.unixSeconds
            var total = 0
            let statements: [String] = [
                // Alerts and their checks go with their envelope; test alerts by their own age.
                "DELETE FROM alert_checks WHERE message_id IN (SELECT id FROM envelopes WHERE accepted_at < ?)",
                "DELETE FROM alerts WHERE created_at < ? OR message_id IN (SELECT id FROM envelopes WHERE accepted_at < ?)",
                "DELETE FROM deliveries WHERE message_id IN (SELECT id FROM envelopes WHERE accepted_at < ?)",
                "DELETE FROM envelopes WHERE accepted_at < ?",
                "DELETE FROM pings WHERE campaign_id IN (SELECT campaign_id FROM ping_campaigns WHERE issued_at < ?)",
                "DELETE FROM ping_campaigns WHERE issued_at < ?",
                "DELETE FROM challenges WHERE expires_at < ?",
                "DELETE FROM sessions WHERE expires_at < ?",
                "DELETE FROM invites WHERE used_at < ? OR (used_at IS NULL AND expires_at < ?)",
            ]
            for sql in statements {
                let placeholders = sql.filter { $0 == "?" }.count
                try db.execute(sql: sql, arguments: StatementArguments(Array(repeating: t, count: placeholders)))
                total += db.changesCount
            }
            return total
        }
    }
}
