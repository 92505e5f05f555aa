public import Foundation
internal import GRDB
import RelayProtocol

extension RelayStore {
    /// The SHA-256 of the body a receipt signature covers, stored at
    /// submission, so the server checks the signature before calling
    /// ``recordReceipt(messageID:recipient:signature:now:)`` without reading
    /// the ciphertext back.
    ///
    /// - Parameters:
    ///   - messageID: The message id.
    ///   - recipient: The caller's POC id.
    /// - Returns: The digest, or nil if the message is unknown, the caller is
    ///   not a recipient, or the body is deleted (all receipts in, or expired).
    ///   For a repeated receipt after deletion, compare with
    ///   ``messageStatus(id:)``'s stored signature instead.
    /// - Throws: ``StoreError`` on a database failure.
    public func bodyDigestForReceipt(messageID: String, recipient: String) async throws -> Data? {
        try await read { db in
            try Data.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT e.body_sha256 FROM envelopes e JOIN deliveries d ON d.message_id = e.id
                        WHERE e.id = ? AND d.recipient = ? AND e.body IS NOT NULL
                        """),
                arguments: [messageID, recipient])
        }
    }

    /// Records a recipient's receipt (signature verified by the server): the
    /// message leaves that inbox and the recipient's wrapped key is deleted.
    /// When the last recipient's receipt is in, the body is deleted too.
    ///
    /// - Parameters:
    ///   - messageID: The message id.
    ///   - recipient: The caller's POC id.
    ///   - signature: The receipt signature.
    ///   - now: The receipt time.
    /// - Returns: `.recorded`, `.alreadyRecorded` (the first receipt is kept), or
    ///   `.notFound` for an unknown message or a caller who is not a recipient.
    /// - Throws: ``StoreError`` on a database failure.
    public func recordReceipt(
        messageID: String, recipient: String, signature: Data, now: Date
    ) async throws
        -> ReceiptOutcome
    {
        try await write { db in
            let t = now.unixSeconds
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT receipt_at FROM deliveries WHERE message_id = ? AND recipient = ?"),
                    arguments: [messageID, recipient])
            else {
                return .notFound
            }
            if (row["receipt_at"] as Int64?) != nil {
                return .alreadyRecorded
            }
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET receipt_at = ?, receipt_signature = ?, wrapped_key = NULL
                    WHERE message_id = ? AND recipient = ?
                    """
            ).execute(arguments: [t, signature, messageID, recipient])
            try db.cachedStatement(
                sql: """
                    UPDATE envelopes SET body = NULL, body_deleted_at = ?
                    WHERE id = ? AND body IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM deliveries WHERE message_id = ? AND receipt_at IS NULL)
                    """
            ).execute(arguments: [t, messageID, messageID])
            return .recorded
        }
    }

    /// The routing metadata and per-recipient delivery state of a message.
    ///
    /// The store does not check who asks: the server allows its sender and custodians.
    ///
    /// - Parameters:
    ///   - id: The message id.
    /// - Returns: The status, or nil for an unknown (or purged) message.
    /// - Throws: ``StoreError`` on a database failure.
    public func messageStatus(id: String) async throws -> MessageStatusRecord? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT sender, accepted_at, urgency, exercise, body_deleted_at FROM envelopes WHERE id = ?"),
                    arguments: [id])
            else {
                return nil
            }
            let recipients = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT recipient, fetched_at, receipt_at, receipt_signature FROM deliveries
                        WHERE message_id = ? ORDER BY recipient
                        """),
                arguments: [id]
            ).map { r in
                DeliveryStatus(
                    pocID: r["recipient"],
                    fetchedAt: (r["fetched_at"] as Int64?).map(Date.init(unixSeconds:)),
                    receiptAt: (r["receipt_at"] as Int64?).map(Date.init(unixSeconds:)),
                    receiptSignature: r["receipt_signature"])
            }
            return MessageStatusRecord(
                id: id, sender: row["sender"], acceptedAt: Date(unixSeconds: row["accepted_at"]),
                urgency: try row.value("urgency", as: Urgency.self), exercise: row["exercise"],
                bodyDeletedAt: (row["body_deleted_at"] as Int64?).map(Date.init(unixSeconds:)),
                recipients: recipients)
        }
    }
}
