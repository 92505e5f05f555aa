import Foundation
internal import GRDB
import RelayProtocol

extension RelayStore {
    /// Every ping campaign, newest first (by issue time, then the order they
    /// were started: two in one second keep it), each with its pings (sorted by POC
    /// id) and the state and role of each pinged POC. Facts only: the service
    /// judges each ping's status, the follow-up list and compliance.
    ///
    /// - Throws: ``StoreError`` on a database failure, or
    ///   ``StoreError/Code/unreadableRow`` for a role this binary cannot read.
    public func campaigns() async throws -> [CampaignRecord] {
        try await read { db in
            let campaigns = try Row.fetchAll(
                db,
                sql: "SELECT campaign_id, issued_at, deadline FROM ping_campaigns ORDER BY issued_at DESC, rowid DESC"
            )
            return try campaigns.map { campaign in
                let id: String = campaign["campaign_id"]
                let pings = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT p.ping_id, p.poc_id, o.state, o.role, p.answered_at
                        FROM pings p JOIN pocs o ON o.poc_id = p.poc_id
                        WHERE p.campaign_id = ? ORDER BY p.poc_id
                        """,
                    arguments: [id]
                ).map { row in
                    CampaignPing(
                        pingID: row["ping_id"], pocID: row["poc_id"], state: row["state"], role: try row.value("role", as: Role.self),
                        answeredAt: row.date("answered_at"))
                }
                return CampaignRecord(
                    campaignID: id, issuedAt: Date(unixSeconds: campaign["issued_at"]),
                    deadline: Date(unixSeconds: campaign["deadline"]), pings: pings)
            }
        }
    }

    /// Every delivery of every envelope still in the store, with its
    /// envelope's routing metadata, sorted by acceptance time, message id and
    /// recipient. Facts only: the service judges lateness and percentiles.
    ///
    /// - Throws: ``StoreError`` on a database failure, or
    ///   ``StoreError/Code/unreadableRow`` for an urgency this binary cannot read.
    public func deliveryFacts() async throws -> [DeliveryFact] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.id, e.sender, e.urgency, e.exercise, e.accepted_at, d.recipient, d.receipt_at, d.escalated_at
                    FROM envelopes e JOIN deliveries d ON d.message_id = e.id
                    ORDER BY e.accepted_at, e.id, d.recipient
                    """
            ).map { row in
                DeliveryFact(
                    messageID: row["id"], sender: row["sender"], urgency: try row.value("urgency", as: Urgency.self),
                    exercise: row["exercise"], acceptedAt: Date(unixSeconds: row["accepted_at"]), recipient: row["recipient"],
                    receiptAt: row.date("receipt_at"), escalatedAt: row.date("escalated_at"))
            }
        }
    }
}
