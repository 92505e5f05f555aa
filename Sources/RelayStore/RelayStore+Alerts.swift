public import Foundation
internal import GRDB
public import RelayProtocol
import Sodium

extension RelayStore {
    /// A POC's alert channels, or nil when it never set any (the defaults apply).
    /// - Throws: ``StoreError`` on a database failure, ``StoreError/Code/unreadableRow`` for a stored urgency this binary cannot read.
    public func alertSettings(pocID: String) async throws -> AlertSettingsRecord? {
        try await read { db in try Self.alertSettings(db, pocID: pocID) }
    }

    /// Replaces a POC's alert channels (already validated by the service).
    /// - Throws: ``StoreError`` on a database failure (then nothing changed).
    public func setAlertSettings(pocID: String, email: String?, webhook: String?, urgencies: [Urgency], now: Date) async throws {
        let list = urgencies.map(\.rawValue).joined(separator: ",")
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO alert_settings (poc_id, email, webhook, urgencies, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (poc_id) DO UPDATE SET email = excluded.email, webhook = excluded.webhook,
                        urgencies = excluded.urgencies, updated_at = excluded.updated_at
                    """,
                arguments: [pocID, email, webhook, list, now.unixSeconds])
        }
    }

    static func alertSettings(_ db: Database, pocID: String) throws -> AlertSettingsRecord? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT email, webhook, urgencies, updated_at FROM alert_settings WHERE poc_id = ?"),
                arguments: [pocID])
        else { return nil }
        return AlertSettingsRecord(
            pocID: pocID, email: row["email"], webhook: row["webhook"], urgencies: try urgencies(row["urgencies"]),
            updatedAt: Date(unixSeconds: row["updated_at"]))
    }

    static func urgencies(_ list: String) throws -> [Urgency] {
        try list.split(separator: ",").map { name in
            guard let urgency = Urgency(rawValue: String(name)) else {
                throw StoreError(.unreadableRow, reason: "column urgencies holds a value that is not a Urgency")
            }
            return urgency
        }
    }

    /// Writes the alert checks of one accepted delivery, inside the submit
    /// transaction: a *waiting* check when the recipient has a channel set,
    /// and an *escalation* check, each only for an urgency the recipient's
    /// settings (or the defaults) choose and the delays give. A waiting alert
    /// due at acceptance (FLASH by default) is written as alerts at once, one
    /// per channel: the message is unfetched then by definition, and the
    /// sender then only reads until it sends, leaving the store's writer to
    /// submissions.
    static func writeAlertChecks(
        _ db: Database, messageID: String, recipient: String, urgency: Urgency, exercise: Bool, acceptedAt t: Int64,
        delays: AlertDelays
    ) throws {
        let waiting = delays.waiting[urgency], escalation = delays.escalation[urgency]
        guard waiting != nil || escalation != nil else { return }
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT email, webhook, urgencies FROM alert_settings WHERE poc_id = ?"), arguments: [recipient])
        let chosen = try row.map { try urgencies($0["urgencies"]) } ?? AlertSettings.defaults.urgencies
        guard chosen.contains(urgency) else { return }
        let channels: [(AlertChannel, String?)] = [(.email, row?["email"]), (.webhook, row?["webhook"])]
        let hasChannel = channels.contains { $0.1 != nil }
        let insert = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO alert_checks (message_id, recipient, reason, due_at) VALUES (?, ?, ?, ?)")
        if let waiting, hasChannel {
            if waiting <= 0 {
                let count = try waitingCount(db, recipient: recipient)
                for case (let channel, _?) in channels {
                    try insertAlert(
                        db, messageID: messageID, pocID: recipient, forPOCID: recipient, reason: .waiting, channel: channel,
                        urgency: urgency.rawValue, exercise: exercise, waiting: count, acceptedAt: t, now: t)
                }
            } else {
                try insert.execute(arguments: [messageID, recipient, AlertReason.waiting.rawValue, t + waiting])
            }
        }
        if let escalation {
            try insert.execute(arguments: [messageID, recipient, AlertReason.escalation.rawValue, t + max(0, escalation)])
        }
    }

    /// One alert row, made now; nothing when the same alert exists (the unique
    /// key). A queued alert is due at once for the sender loop; a test alert
    /// is not queued (its caller sends it).
    /// - Returns: The new alert's id, or nil when it existed.
    @discardableResult
    static func insertAlert(
        _ db: Database, messageID: String?, pocID: String, forPOCID: String, reason: AlertReason, channel: AlertChannel,
        urgency: String?, exercise: Bool, waiting: Int, acceptedAt: Int64?, now t: Int64, queued: Bool = true
    ) throws -> String? {
        let id = SecureRandom.bytes(count: 16).lowercaseHex
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO alerts (alert_id, message_id, poc_id, for_poc_id, reason, channel, urgency,
                    exercise, waiting, accepted_at, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            id, messageID, pocID, forPOCID, reason.rawValue, channel.rawValue, urgency, exercise, waiting, acceptedAt, t, queued ? t : nil,
        ])
        return db.changesCount == 1 ? id : nil
    }

    /// Checks every alert check that is due, in one transaction: a *waiting*
    /// check whose delivery is still unfetched and unreceipted makes one alert
    /// per channel the recipient has set; an *escalation* check whose
    /// delivery is still unreceipted marks the delivery escalated and makes
    /// one alert per channel of each other active POC of the recipient's
    /// state. A check is checked once; an alert already made for the same
    /// message, recipient, alerted POC, reason and channel is never made again.
    ///
    /// - Parameters:
    ///   - now: The current time.
    ///   - limit: At most this many checks (the rest stay due for the next call).
    /// - Returns: How many checks were checked and how many alerts were made.
    /// - Throws: ``StoreError`` on a database failure (then nothing changed).
    public func runDueAlertChecks(now: Date, limit: Int = 500) async throws -> (checked: Int, alerts: Int) {
        let t = now.unixSeconds
        // A read first: with nothing due, the writer is not asked for at all.
        let anyDue = try await read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM alert_checks WHERE checked_at IS NULL AND due_at <= ?)"),
                arguments: [t]) ?? false
        }
        guard anyDue else { return (0, 0) }
        return try await write { db in
            let due = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT c.message_id, c.recipient, c.reason, c.due_at, e.urgency, e.exercise, e.accepted_at,
                            e.body IS NOT NULL AS has_body, d.fetched_at, d.receipt_at, p.state, p.status
                        FROM alert_checks c
                        JOIN envelopes e ON e.id = c.message_id
                        JOIN deliveries d ON d.message_id = c.message_id AND d.recipient = c.recipient
                        JOIN pocs p ON p.poc_id = c.recipient
                        WHERE c.checked_at IS NULL AND c.due_at <= ?
                        ORDER BY c.due_at, c.rowid LIMIT ?
                        """),
                arguments: [t, max(1, limit)])
            var made = 0
            for row in due {
                let messageID: String = row["message_id"], recipient: String = row["recipient"]
                let reason = try row.value("reason", as: AlertReason.self)
                try db.cachedStatement(
                    sql: "UPDATE alert_checks SET checked_at = ? WHERE message_id = ? AND recipient = ? AND reason = ?"
                ).execute(arguments: [t, messageID, recipient, reason.rawValue])
                let unreceipted = (row["receipt_at"] as Int64?) == nil && (row["has_body"] as Bool)
                guard unreceipted, (row["status"] as String) == EntryStatus.active.rawValue else { continue }
                let targets: [String]
                switch reason {
                case .waiting:
                    guard (row["fetched_at"] as Int64?) == nil else { continue }
                    targets = [recipient]
                case .escalation:
                    try db.cachedStatement(
                        sql: "UPDATE deliveries SET escalated_at = ? WHERE message_id = ? AND recipient = ? AND escalated_at IS NULL"
                    ).execute(arguments: [t, messageID, recipient])
                    targets = try String.fetchAll(
                        db.cachedStatement(
                            sql: "SELECT poc_id FROM pocs WHERE state = ? AND status = 'active' AND poc_id != ? ORDER BY poc_id"),
                        arguments: [row["state"] as String, recipient])
                case .test:
                    continue
                }
                let waiting = try Self.waitingCount(db, recipient: recipient)
                for target in targets {
                    guard let settings = try Self.alertSettings(db, pocID: target) else { continue }
                    for channel in AlertSettings(email: settings.email, webhook: settings.webhook, urgencies: settings.urgencies).channels {
                        let alertID = try Self.insertAlert(
                            db, messageID: messageID, pocID: target, forPOCID: recipient, reason: reason, channel: channel,
                            urgency: row["urgency"], exercise: row["exercise"], waiting: waiting, acceptedAt: row["accepted_at"], now: t)
                        if alertID != nil { made += 1 }
                    }
                }
            }
            return (due.count, made)
        }
    }

    /// Messages waiting for a recipient: unreceipted, body still on the
    /// relay. A receipt and an expiry both clear the delivery's wrapped key,
    /// so the partial index `deliveries_waiting` answers it alone.
    static func waitingCount(_ db: Database, recipient: String) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT count(*) FROM deliveries WHERE recipient = ? AND wrapped_key IS NOT NULL"),
            arguments: [recipient]) ?? 0
    }

    /// Alerts whose next attempt is due, oldest first, with where each one's
    /// channel points now. An alert whose channel was unset since it was made
    /// is given up ("channel removed") instead of returned.
    ///
    /// - Parameters:
    ///   - now: The current time.
    ///   - limit: At most this many.
    ///   - excluding: Alerts being sent right now (not returned again).
    ///   - skippingTargets: Addresses and URLs not to return alerts for now
    ///     (those at the sender's bound of concurrent sends).
    /// - Throws: ``StoreError`` on a database failure.
    public func dueAlerts(
        now: Date, limit: Int, excluding: Set<String> = [], skippingTargets: Set<String> = []
    ) async throws -> [PendingAlert] {
        let t = now.unixSeconds
        // Alerts to a target at its bound of concurrent sends are left in the
        // store, so that a backlog for one dead receiver never hides the rest.
        let skipped = skippingTargets.sorted()
        let skip =
            skipped.isEmpty
            ? ""
            : "AND coalesce(CASE a.channel WHEN 'email' THEN s.email ELSE s.webhook END, '') NOT IN ("
                + Array(repeating: "?", count: skipped.count).joined(separator: ", ") + ")"
        let (out, removed) = try await read { db in
            var arguments = StatementArguments([t])
            arguments += StatementArguments(skipped)
            arguments += StatementArguments([max(1, limit) + excluding.count])
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT a.*, s.email, s.webhook FROM alerts a LEFT JOIN alert_settings s ON s.poc_id = a.poc_id
                        WHERE a.next_attempt_at IS NOT NULL AND a.next_attempt_at <= ? \(skip)
                        ORDER BY a.next_attempt_at, a.rowid LIMIT ?
                        """),
                arguments: arguments)
            var out: [PendingAlert] = []
            var removed: [String] = []
            for row in rows {
                let id: String = row["alert_id"]
                guard !excluding.contains(id) else { continue }
                let channel = try row.value("channel", as: AlertChannel.self)
                guard let target: String = channel == .email ? row["email"] : row["webhook"] else {
                    removed.append(id)
                    continue
                }
                out.append(try Self.pendingAlert(row, target: target))
                if out.count == limit { break }
            }
            return (out, removed)
        }
        // Only an alert whose channel was unset needs a write: it is given up.
        if !removed.isEmpty {
            try await write { db in
                for id in removed { try Self.finish(db, alertID: id, sent: false, error: "channel removed", at: t) }
            }
        }
        return out
    }

    static func pendingAlert(_ row: Row, target: String) throws -> PendingAlert {
        PendingAlert(
            alertID: row["alert_id"], messageID: row["message_id"], pocID: row["poc_id"], forPOCID: row["for_poc_id"],
            reason: try row.value("reason", as: AlertReason.self), channel: try row.value("channel", as: AlertChannel.self),
            target: target, urgency: try (row["urgency"] as String?).map { try Row.enumValue($0, as: Urgency.self) },
            exercise: row["exercise"], waiting: row["waiting"], acceptedAt: row.date("accepted_at"),
            createdAt: Date(unixSeconds: row["created_at"]), attempts: row["attempts"])
    }

    /// Records a delivered alert: it is never sent again.
    public func recordAlertSent(alertID: String, now: Date) async throws {
        try await write { db in try Self.finish(db, alertID: alertID, sent: true, error: nil, at: now.unixSeconds) }
    }

    /// Records a failed attempt: the alert is tried again at `retryAt`, or,
    /// when `retryAt` is nil, given up (counted as failed).
    ///
    /// - Parameters:
    ///   - alertID: The alert.
    ///   - reason: A few words on why (`HTTP 500`, `timed out after 10 s`); never content.
    ///   - now: The attempt's time.
    ///   - retryAt: The next attempt, or nil to give up.
    public func recordAlertFailure(alertID: String, reason: String, now: Date, retryAt: Date?) async throws {
        let t = now.unixSeconds
        try await write { db in
            if let retryAt {
                try db.execute(
                    sql: """
                        UPDATE alerts SET attempts = attempts + 1, last_error = ?, last_error_at = ?, next_attempt_at = ?
                        WHERE alert_id = ? AND sent_at IS NULL AND failed_at IS NULL
                        """,
                    arguments: [String(reason.prefix(200)), t, retryAt.unixSeconds, alertID])
            } else {
                try Self.finish(db, alertID: alertID, sent: false, error: reason, at: t)
            }
        }
    }

    static func finish(_ db: Database, alertID: String, sent: Bool, error: String?, at t: Int64) throws {
        try db.execute(
            sql: sent
                ? """
                UPDATE alerts SET attempts = attempts + 1, sent_at = ?, next_attempt_at = NULL
                WHERE alert_id = ? AND sent_at IS NULL AND failed_at IS NULL
                """
                : """
                UPDATE alerts SET attempts = attempts + 1, failed_at = ?1, next_attempt_at = NULL,
                    last_error = ?2, last_error_at = ?1
                WHERE alert_id = ?3 AND sent_at IS NULL AND failed_at IS NULL
                """,
            arguments: sent ? [t, alertID] : [t, String((error ?? "failed").prefix(200)), alertID])
    }

    /// The earliest time an alert check or an alert attempt falls due, or nil when nothing waits.
    public func nextAlertWork() async throws -> Date? {
        try await read { db in
            let check = try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(due_at) FROM alert_checks WHERE checked_at IS NULL"))
            let attempt = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT min(next_attempt_at) FROM alerts WHERE next_attempt_at IS NOT NULL"))
            return [check, attempt].compactMap { $0 }.min().map(Date.init(unixSeconds:))
        }
    }

    /// Makes one test alert (`reason: "test"`) per channel the POC has set,
    /// not queued for the sender loop: the caller sends them at once and
    /// records each outcome with ``recordAlertSent(alertID:now:)`` or
    /// ``recordAlertFailure(alertID:reason:now:retryAt:)`` with no retry.
    /// - Returns: The alerts, e-mail first; empty when no channel is set.
    public func createTestAlerts(pocID: String, now: Date) async throws -> [PendingAlert] {
        let t = now.unixSeconds
        return try await write { db in
            guard let settings = try Self.alertSettings(db, pocID: pocID) else { return [] }
            let waiting = try Self.waitingCount(db, recipient: pocID)
            var out: [PendingAlert] = []
            for (channel, target) in [(AlertChannel.email, settings.email), (.webhook, settings.webhook)] {
                guard let target else { continue }
                guard
                    let id = try Self.insertAlert(
                        db, messageID: nil, pocID: pocID, forPOCID: pocID, reason: .test, channel: channel, urgency: nil, exercise: false,
                        waiting: waiting, acceptedAt: nil, now: t, queued: false)
                else { continue }
                out.append(
                    PendingAlert(
                        alertID: id, messageID: nil, pocID: pocID, forPOCID: pocID, reason: .test, channel: channel, target: target,
                        urgency: nil, exercise: false, waiting: waiting, acceptedAt: nil, createdAt: Date(unixSeconds: t), attempts: 0))
            }
            return out
        }
    }

    /// How each of a POC's own channels fared: its last delivered alert, its
    /// last failure and what is still pending. Nothing about other POCs.
    public func alertChannelFacts(pocID: String) async throws -> [AlertChannelFact] {
        try await read { db in
            try AlertChannel.allCases.map { channel in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT max(sent_at) AS sent, max(last_error_at) AS failed_at,
                            (SELECT last_error FROM alerts WHERE poc_id = ?1 AND channel = ?2 AND last_error_at IS NOT NULL
                                ORDER BY last_error_at DESC, rowid DESC LIMIT 1) AS failure,
                            sum(next_attempt_at IS NOT NULL) AS pending
                        FROM alerts WHERE poc_id = ?1 AND channel = ?2
                        """,
                    arguments: [pocID, channel.rawValue])
                return AlertChannelFact(
                    channel: channel, lastSentAt: row?.date("sent"), lastFailureAt: row?.date("failed_at"),
                    lastFailure: row?["failure"], pending: row?["pending"] ?? 0)
            }
        }
    }

    /// Alerts counted by reason and channel, for the audit and the metrics.
    public func alertCounts() async throws -> [AlertCountFact] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT reason, channel, sum(sent_at IS NOT NULL) AS sent, sum(failed_at IS NOT NULL) AS failed,
                        sum(next_attempt_at IS NOT NULL) AS pending
                    FROM alerts GROUP BY reason, channel ORDER BY reason, channel
                    """
            ).map { row in
                AlertCountFact(
                    reason: try row.value("reason", as: AlertReason.self), channel: try row.value("channel", as: AlertChannel.self),
                    sent: row["sent"], failed: row["failed"], pending: row["pending"])
            }
        }
    }
}

extension Row {
    /// A text value as an enumeration, or an unreadable-row error.
    static func enumValue<Value: RawRepresentable>(_ raw: String, as type: Value.Type) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: raw) else {
            throw StoreError(.unreadableRow, reason: "a stored value is not a \(Value.self)")
        }
        return value
    }
}

extension RelayStore {
    /// How alerts are failing now, for `poc-relay check`: alerts being
    /// retried after a failed attempt, and alerts given up since `since`.
    /// - Throws: ``StoreError`` on a database failure.
    public func alertFailures(since: Date) async throws -> (retrying: Int, givenUp: Int) {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM alerts WHERE next_attempt_at IS NOT NULL AND attempts > 0) AS retrying,
                        (SELECT count(*) FROM alerts WHERE failed_at >= ?) AS given_up
                    """,
                arguments: [since.unixSeconds])
            return (row?["retrying"] ?? 0, row?["given_up"] ?? 0)
        }
    }
}
