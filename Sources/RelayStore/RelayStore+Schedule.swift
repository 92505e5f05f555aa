public import Foundation
internal import GRDB

/// The stored ping schedule (docs/protocol.md section 7): kept in the store, not in
/// a running process, so restarts neither postpone nor repeat a campaign.
///
/// Two `meta` rows hold it: the interval the last `serve` started with
/// (absent when it started without one) and the time scheduling was first
/// enabled, the base of the first campaign when none was ever started. The
/// campaigns themselves are the rest: the next one is due one interval after
/// the latest.
extension RelayStore {
    /// The `meta` key of the interval, in seconds, of the last `serve` with `--ping-every`.
    static let pingIntervalKey = "ping_schedule_interval_seconds"
    /// The `meta` key of the time (Unix seconds) scheduling was first enabled; written once.
    static let pingAnchorKey = "ping_schedule_anchor"

    /// Records the schedule a starting relay runs with: the interval (and,
    /// the first time, the anchor), or no schedule at all.
    ///
    /// - Parameters:
    ///   - intervalSeconds: The interval, positive; nil for a relay without a schedule.
    ///   - now: The current time, the anchor if none is stored yet.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument``
    ///   for an interval that is not positive, or on a database failure.
    public func recordPingSchedule(intervalSeconds: Int64?, now: Date) async throws {
        if let intervalSeconds, intervalSeconds <= 0 {
            throw StoreError(.invalidArgument, reason: "a ping interval must be positive")
        }
        try await write { db in
            guard let intervalSeconds else {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [Self.pingIntervalKey])
                return
            }
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [Self.pingIntervalKey, intervalSeconds])
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                arguments: [Self.pingAnchorKey, now.unixSeconds])
        }
    }

    /// The schedule's facts: stored interval, anchor and latest campaign.
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func pingSchedule() async throws -> PingScheduleRecord {
        try await read { db in try Self.pingSchedule(db) }
    }

    /// Starts a campaign if one is due under `interval`, deciding inside the
    /// write transaction: two relays on one store, or a restart, never start
    /// two campaigns for one due time, because the second finds the first's
    /// campaign and computes a later due time.
    ///
    /// The campaign pings every active diplomatic and technical POC as of
    /// this transaction. With no campaign and no anchor stored, the anchor
    /// becomes `now` and nothing starts.
    ///
    /// - Parameters:
    ///   - interval: The scheduling interval, in seconds, positive.
    ///   - now: The current time; the campaign's issue time if it starts.
    ///   - deadline: Seconds to answer, from `now`; not negative.
    ///   - campaignID: The id of the campaign, if it starts.
    ///   - ping: Makes the ping of a POC id (fresh id and challenge).
    /// - Returns: What happened, with the due time.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument``
    ///   for an interval that is not positive or a negative deadline, or on a
    ///   database failure (a ping id in use included). Nothing is stored on error.
    public func startCampaignIfDue(
        interval: Int64, now: Date, deadline: Int64, campaignID: String, ping: @escaping @Sendable (String) -> NewPing
    ) async throws -> ScheduledCampaignOutcome {
        guard interval > 0, deadline >= 0 else {
            throw StoreError(.invalidArgument, reason: "a ping interval must be positive and a deadline not negative")
        }
        let issued = now.unixSeconds
        return try await write { db in
            let schedule = try Self.pingSchedule(db)
            guard let due = schedule.due(interval: interval) else {
                try db.execute(
                    sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                    arguments: [Self.pingAnchorKey, issued])
                return .notDue(due: Date(unixSeconds: issued + interval))
            }
            guard due.unixSeconds <= issued else { return .notDue(due: due) }
            let pocIDs = try String.fetchAll(
                db,
                sql: """
                    SELECT poc_id FROM pocs
                    WHERE status = 'active' AND role IN ('diplomatic', 'technical') ORDER BY poc_id
                    """)
            try db.execute(
                sql: "INSERT INTO ping_campaigns (campaign_id, issued_at, deadline) VALUES (?, ?, ?)",
                arguments: [campaignID, issued, issued + deadline])
            for pocID in pocIDs {
                let new = ping(pocID)
                try db.execute(
                    sql: """
                        INSERT INTO pings (ping_id, campaign_id, poc_id, challenge, issued_at, deadline)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [new.pingID, campaignID, pocID, new.challenge, issued, issued + deadline])
            }
            return .started(campaignID: campaignID, pinged: pocIDs.count, due: due)
        }
    }

    /// The schedule's facts inside the caller's transaction.
    static func pingSchedule(_ db: Database) throws -> PingScheduleRecord {
        let interval = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [pingIntervalKey])
        let anchor = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [pingAnchorKey])
        var latest: CampaignSummaryRecord?
        // Two campaigns started in one second: the later insertion (rowid) is the latest.
        if let campaign = try Row.fetchOne(
            db, sql: "SELECT campaign_id, issued_at, deadline FROM ping_campaigns ORDER BY issued_at DESC, rowid DESC LIMIT 1")
        {
            let id: String = campaign["campaign_id"]
            // An aggregate without GROUP BY answers exactly one row.
            guard
                let counts = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) AS pinged,
                            count(CASE WHEN answered_at <= deadline THEN 1 END) AS on_time,
                            count(CASE WHEN answered_at > deadline THEN 1 END) AS late,
                            count(CASE WHEN answered_at IS NULL THEN 1 END) AS unanswered
                        FROM pings WHERE campaign_id = ?
                        """,
                    arguments: [id])
            else {
                throw StoreError(.database, reason: "the ping counts of a campaign answered no row")
            }
            latest = CampaignSummaryRecord(
                campaignID: id, issuedAt: Date(unixSeconds: campaign["issued_at"]), deadline: Date(unixSeconds: campaign["deadline"]),
                pinged: counts["pinged"], answeredOnTime: counts["on_time"], answeredLate: counts["late"], unanswered: counts["unanswered"])
        }
        return PingScheduleRecord(intervalSeconds: interval, anchor: anchor.map(Date.init(unixSeconds:)), latestCampaign: latest)
    }
}

extension PingScheduleRecord {
    /// When the next campaign is due under `interval` seconds: one interval
    /// after the latest campaign, else after the anchor; nil with neither.
    ///
    /// - Parameters:
    ///   - interval: The scheduling interval, in seconds.
    public func due(interval: Int64) -> Date? {
        guard let base = latestCampaign?.issuedAt ?? anchor else { return nil }
        return Date(unixSeconds: base.unixSeconds + interval)
    }
}
