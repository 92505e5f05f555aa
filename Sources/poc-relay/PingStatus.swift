import ArgumentParser
import CommandLineSupport
import Foundation
import RelayProtocol
import RelayService

/// `poc-relay ping status`: the latest campaign and when the next is due.
struct PingStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the latest ping campaign and when the next scheduled one is due.",
        discussion: """
            The schedule is the one the relay last served with (serve --ping-every): the next campaign is due one \
            interval after the latest, scheduled or started by hand. A relay that was down when one fell due starts \
            it as soon as it serves again.

            Examples:
              poc-relay ping status --data-dir /var/lib/poc-relay
              poc-relay ping status --format json
            """)

    /// The formats of this command (no CSV: it is not a listing).
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "table or json.") var format: Format = .table

    /// The JSON form: times in RFC 3339, null for what there is not.
    struct Output: Encodable {
        struct Campaign: Encodable {
            let campaignID: String
            let issuedAt: Timestamp
            let deadline: Timestamp
            let pinged, answered, late, missed, pending: Int
            enum CodingKeys: String, CodingKey {
                case campaignID = "campaign_id", issuedAt = "issued_at", deadline, pinged, answered, late, missed, pending
            }
        }
        let lastCampaign: Campaign?
        let intervalSeconds: Int64?
        let nextDue: Timestamp?
        let overdue: Bool

        enum CodingKeys: String, CodingKey {
            case lastCampaign = "last_campaign", intervalSeconds = "interval_seconds", nextDue = "next_due", overdue
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            // Explicit nulls, as the wire does for optional fields.
            try container.encode(lastCampaign, forKey: .lastCampaign)
            try container.encode(intervalSeconds, forKey: .intervalSeconds)
            try container.encode(nextDue, forKey: .nextDue)
            try container.encode(overdue, forKey: .overdue)
        }
    }

    func run() async throws {
        let service = try await data.openService()
        let status = try await cli { () async throws(RelayFailure) in try await service.pingScheduleStatus() }
        let now = Date()
        let overdue = status.nextDue.map { $0 <= now } ?? false
        switch format {
        case .json:
            let campaign = status.lastCampaign.map {
                Output.Campaign(
                    campaignID: $0.campaignID, issuedAt: Timestamp($0.issuedAt), deadline: Timestamp($0.deadline), pinged: $0.pinged,
                    answered: $0.answered, late: $0.late, missed: $0.missed, pending: $0.pending)
            }
            print(
                try prettyJSON(
                    Output(
                        lastCampaign: campaign, intervalSeconds: status.intervalSeconds, nextDue: status.nextDue.map(Timestamp.init),
                        overdue: overdue)))
        case .table:
            var rows: [[String]] = []
            if let last = status.lastCampaign {
                rows.append(["Last campaign:", last.campaignID])
                rows.append(["Issued:", Timestamp(last.issuedAt).description])
                rows.append(["Deadline:", Timestamp(last.deadline).description])
                rows.append([
                    "Pinged:",
                    "\(last.pinged) (answered \(last.answered), late \(last.late), missed \(last.missed), pending \(last.pending))",
                ])
            } else {
                rows.append(["Last campaign:", "none yet (start one with `poc-relay ping start`)"])
            }
            if let interval = status.intervalSeconds, let due = status.nextDue {
                rows.append(["Schedule:", "every \(HumanDuration.text(interval)) (serve --ping-every)"])
                let note = overdue ? " (overdue: the relay starts it as soon as it serves)" : ""
                rows.append(["Next due:", "\(Timestamp(due))\(note)"])
            } else {
                rows.append(["Schedule:", "not scheduled (the relay last served without --ping-every)"])
            }
            for line in columns(rows) { print(line) }
        }
    }
}
