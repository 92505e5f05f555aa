import Foundation
internal import GRDB
import Sodium

/// The store's schema, as named migrations. A shipped migration is never
/// edited: a change is a new migration appended to ``migrator``.
enum Migrations {
    /// The key of the directory version counter in the `meta` table.
    static let directoryVersionKey = "directory_version"

    /// Every migration this binary knows, in order.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES (?, 0)",
                arguments: [directoryVersionKey])
        }
        // The body's SHA-256, kept beside it so that a receipt is checked
        // without reading the ciphertext back; filled in for stored bodies.
        migrator.registerMigration("v2-body-sha256") { db in
            try db.execute(sql: "ALTER TABLE envelopes ADD COLUMN body_sha256 BLOB")
            let rows = try Row.fetchCursor(db, sql: "SELECT id, body FROM envelopes WHERE body IS NOT NULL")
            while let row = try rows.next() {
                let body: Data = row["body"]
                try db.execute(
                    sql: "UPDATE envelopes SET body_sha256 = ? WHERE id = ?", arguments: [SHA256.hash(body), row["id"] as String])
            }
        }
        // Alert channels and the alert outbox (protocol v1.1, section 10).
        migrator.registerMigration("v3-alerts") { db in
            try db.execute(sql: v3Alerts)
        }
        return migrator
    }()

    /// Alerts (section 10). `alert_settings` holds each POC's own channels
    /// (never in the directory). `alert_checks` is the outbox written in the
    /// submit transaction: one row per recipient and reason, due at a time,
    /// checked once. `alerts` holds one row per alert to send (per alerted
    /// POC and channel), retried until sent or given up; its UNIQUE key makes
    /// "never the same alert twice for one delivery, reason and channel" a
    /// property of the schema. `deliveries.escalated_at` marks a delivery
    /// whose receipt window ended without a receipt.
    static let v3Alerts = """
        CREATE TABLE alert_settings (
            poc_id TEXT PRIMARY KEY NOT NULL REFERENCES pocs (poc_id),
            email TEXT CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
            webhook TEXT CHECK (webhook IS NULL OR length(webhook) BETWEEN 8 AND 2048),
            urgencies TEXT NOT NULL CHECK (length(urgencies) > 0),
            updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE alert_checks (
            message_id TEXT NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
            recipient TEXT NOT NULL REFERENCES pocs (poc_id),
            reason TEXT NOT NULL CHECK (reason IN ('waiting', 'escalation')),
            due_at INTEGER NOT NULL,
            checked_at INTEGER,
            PRIMARY KEY (message_id, recipient, reason)
        ) STRICT;
        CREATE INDEX alert_checks_due ON alert_checks (due_at) WHERE checked_at IS NULL;

        CREATE TABLE alerts (
            alert_id TEXT PRIMARY KEY NOT NULL CHECK (length(alert_id) = 32),
            message_id TEXT REFERENCES envelopes (id) ON DELETE CASCADE,
            poc_id TEXT NOT NULL REFERENCES pocs (poc_id),
            for_poc_id TEXT NOT NULL REFERENCES pocs (poc_id),
            reason TEXT NOT NULL CHECK (reason IN ('waiting', 'escalation', 'test')),
            channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
            urgency TEXT CHECK (urgency IS NULL OR urgency IN ('flash', 'immediate', 'priority', 'routine')),
            exercise INTEGER NOT NULL CHECK (exercise IN (0, 1)),
            waiting INTEGER NOT NULL CHECK (waiting >= 0),
            accepted_at INTEGER,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER,
            sent_at INTEGER,
            failed_at INTEGER,
            last_error TEXT,
            last_error_at INTEGER,
            UNIQUE (message_id, for_poc_id, poc_id, reason, channel),
            CHECK (NOT (sent_at IS NOT NULL AND failed_at IS NOT NULL)),
            CHECK ((reason = 'test') = (message_id IS NULL))
        ) STRICT;
        CREATE INDEX alerts_due ON alerts (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
        CREATE INDEX alerts_poc ON alerts (poc_id, channel);

        ALTER TABLE deliveries ADD COLUMN escalated_at INTEGER;
        -- The messages waiting for a POC (an alert's `waiting`), counted from the
        -- index alone: a receipt and an expiry both clear the wrapped key.
        CREATE INDEX deliveries_waiting ON deliveries (recipient) WHERE wrapped_key IS NOT NULL;
        """

    /// The whole initial schema. Tables are STRICT (SQLite 3.37+), so a value of
    /// the wrong type is refused rather than stored. Times are INTEGER Unix
    /// seconds (see Time.swift). Invariants live in NOT NULL, UNIQUE, CHECK
    /// and foreign keys, so a bug in Swift code cannot store an impossible row.
    static let v1 = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE states (
            code TEXT PRIMARY KEY NOT NULL
                CHECK (length(code) = 3 AND code GLOB '[A-Z][A-Z][A-Z]'),
            joined_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE pocs (
            poc_id TEXT PRIMARY KEY NOT NULL,
            state TEXT NOT NULL REFERENCES states (code),
            role TEXT NOT NULL CHECK (role IN ('diplomatic', 'technical', 'custodian')),
            status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
            entry_json TEXT NOT NULL,
            signing_key BLOB NOT NULL UNIQUE,
            box_key BLOB NOT NULL,
            key_created_at TEXT NOT NULL,
            key_signature BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            revoked_at INTEGER,
            CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
        ) STRICT;
        CREATE INDEX pocs_state_role ON pocs (state, role);

        CREATE TABLE invites (
            token_hash BLOB PRIMARY KEY NOT NULL,
            state TEXT NOT NULL
                CHECK (length(state) = 3 AND state GLOB '[A-Z][A-Z][A-Z]'),
            role TEXT NOT NULL CHECK (role IN ('diplomatic', 'technical', 'custodian')),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            used_by TEXT REFERENCES pocs (poc_id),
            CHECK ((used_at IS NULL) = (used_by IS NULL))
        ) STRICT;

        CREATE TABLE sessions (
            token_hash BLOB PRIMARY KEY NOT NULL,
            poc_id TEXT NOT NULL REFERENCES pocs (poc_id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX sessions_poc ON sessions (poc_id);
        CREATE INDEX sessions_expiry ON sessions (expires_at);

        CREATE TABLE challenges (
            challenge BLOB PRIMARY KEY NOT NULL,
            poc_id TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER
        ) STRICT;
        CREATE INDEX challenges_expiry ON challenges (expires_at);

        CREATE TABLE envelopes (
            id TEXT PRIMARY KEY NOT NULL,
            sender TEXT NOT NULL REFERENCES pocs (poc_id),
            urgency TEXT NOT NULL
                CHECK (urgency IN ('flash', 'immediate', 'priority', 'routine')),
            urgency_rank INTEGER NOT NULL CHECK (urgency_rank = CASE urgency
                WHEN 'flash' THEN 0 WHEN 'immediate' THEN 1
                WHEN 'priority' THEN 2 ELSE 3 END),
            exercise INTEGER NOT NULL CHECK (exercise IN (0, 1)),
            commitment BLOB NOT NULL,
            body BLOB,
            body_size INTEGER NOT NULL CHECK (body_size >= 0),
            envelope_hash BLOB NOT NULL,
            accepted_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            body_deleted_at INTEGER,
            CHECK ((body IS NULL) = (body_deleted_at IS NOT NULL))
        ) STRICT;
        CREATE INDEX envelopes_accepted ON envelopes (accepted_at);
        CREATE INDEX envelopes_expiry ON envelopes (expires_at) WHERE body IS NOT NULL;

        -- urgency_rank and accepted_at are copies of the envelope's (never
        -- updated), so that the inbox query is served by one index.
        CREATE TABLE deliveries (
            message_id TEXT NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
            recipient TEXT NOT NULL REFERENCES pocs (poc_id),
            urgency_rank INTEGER NOT NULL,
            accepted_at INTEGER NOT NULL,
            wrapped_key BLOB,
            fetched_at INTEGER,
            receipt_at INTEGER,
            receipt_signature BLOB,
            PRIMARY KEY (message_id, recipient),
            CHECK ((receipt_at IS NULL) = (receipt_signature IS NULL))
        ) STRICT;
        CREATE INDEX deliveries_inbox
            ON deliveries (recipient, receipt_at, urgency_rank, accepted_at, message_id);

        CREATE TABLE key_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            poc_id TEXT NOT NULL REFERENCES pocs (poc_id),
            kind TEXT NOT NULL CHECK (kind IN ('enrol', 'rotate', 'revoke', 'update')),
            box_key BLOB,
            at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX key_events_poc ON key_events (poc_id);

        CREATE TABLE ping_campaigns (
            campaign_id TEXT PRIMARY KEY NOT NULL,
            issued_at INTEGER NOT NULL,
            deadline INTEGER NOT NULL CHECK (deadline >= issued_at)
        ) STRICT;

        CREATE TABLE pings (
            ping_id TEXT PRIMARY KEY NOT NULL,
            campaign_id TEXT NOT NULL REFERENCES ping_campaigns (campaign_id) ON DELETE CASCADE,
            poc_id TEXT NOT NULL REFERENCES pocs (poc_id),
            challenge BLOB NOT NULL,
            issued_at INTEGER NOT NULL,
            deadline INTEGER NOT NULL,
            answered_at INTEGER,
            answer_signature BLOB,
            UNIQUE (campaign_id, poc_id),
            CHECK ((answered_at IS NULL) = (answer_signature IS NULL))
        ) STRICT;
        CREATE INDEX pings_poc ON pings (poc_id, answered_at);
        """
}
