public import Foundation
import Logging
import RelayProtocol
import RelayStore
import Sodium

/// The stored ping schedule (docs/protocol.md section 7): the next scheduled
/// campaign is due one interval after the latest campaign, scheduled or
/// started by hand, whatever restarts happen in between; with no campaign
/// ever, one interval after scheduling was first enabled on the store.
extension RelayService {
    /// Records the schedule a starting relay runs with, so that `poc-relay
    /// ping status` can tell when the next campaign is due: the interval, or
    /// none for a relay served without `--ping-every`.
    ///
    /// - Parameters:
    ///   - interval: Seconds between campaigns, positive; nil for no schedule.
    /// - Throws: 503 on a store failure.
    public func recordPingSchedule(every interval: Int64?) async throws(RelayFailure) {
        try await storeCall("record ping schedule") { try await store.recordPingSchedule(intervalSeconds: interval, now: now) }
    }

    /// The latest campaign with its counts now, and when the next is due
    /// under the stored interval.
    ///
    /// - Throws: 503 on a store failure.
    public func pingScheduleStatus() async throws(RelayFailure) -> PingScheduleStatus {
        let record = try await storeCall("ping schedule") { try await store.pingSchedule() }
        let now = now
        let campaign = record.latestCampaign.map { latest in
            let overdue = now > latest.deadline
            return PingScheduleStatus.Campaign(
                campaignID: latest.campaignID, issuedAt: latest.issuedAt, deadline: latest.deadline, pinged: latest.pinged,
                answered: latest.answeredOnTime, late: latest.answeredLate, missed: overdue ? latest.unanswered : 0,
                pending: overdue ? 0 : latest.unanswered)
        }
        let due = record.intervalSeconds.map { interval in record.due(interval: interval) ?? now.addingTimeInterval(TimeInterval(interval)) }
        return PingScheduleStatus(intervalSeconds: record.intervalSeconds, nextDue: due, lastCampaign: campaign)
    }

    /// One look at the schedule by a serving relay: records `interval` in
    /// the store if it is not the stored one, then starts the scheduled
    /// campaign if it is due. The decision to start is taken again inside
    /// the store's write transaction, so a restart or a second relay on the
    /// store never starts two campaigns for one due time. A look that finds
    /// nothing to do only reads.
    ///
    /// - Parameters:
    ///   - interval: Seconds between campaigns, positive; nil for a relay without a schedule.
    /// - Returns: The campaign started, if one was due, and when the next is
    ///   due (nil without a schedule).
    /// - Throws: 503 on a store failure.
    public func runPingSchedule(
        interval: Int64?
    ) async throws(RelayFailure) -> (started: (campaignID: String, pinged: Int)?, nextDue: Date?) {
        let record = try await storeCall("ping schedule") { try await store.pingSchedule() }
        if record.intervalSeconds != interval || (interval != nil && record.anchor == nil) {
            try await recordPingSchedule(every: interval)
        }
        guard let interval else { return (nil, nil) }
        let issued = Timestamp(now)
        if let due = record.due(interval: interval), due > issued.date { return (nil, due) }
        let campaignID = "campaign-\(issued.description.filter(\.isNumber))-\(SecureRandom.bytes(count: 3).lowercaseHex)"
        let outcome = try await storeCall("scheduled campaign") {
            try await store.startCampaignIfDue(
                interval: interval, now: issued.date, deadline: configuration.pingDeadline, campaignID: campaignID
            ) { pocID in
                NewPing(pingID: "ping-\(SecureRandom.bytes(count: 8).lowercaseHex)", pocID: pocID, challenge: SecureRandom.bytes(count: 32))
            }
        }
        switch outcome {
        case .notDue(let due):
            return (nil, due)
        case .started(let id, let pinged, let due):
            logger.info(
                "scheduled ping campaign started",
                metadata: ["campaign_id": "\(id)", "pinged": "\(pinged)", "due_at": "\(Timestamp(due))"])
            return ((id, pinged), issued.date.addingTimeInterval(TimeInterval(interval)))
        }
    }
}
