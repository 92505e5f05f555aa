import Foundation
import RelayProtocol

extension AuditReport {
    /// The follow-up list as CSV (RFC 4180, CRLF line ends): one line per
    /// published contact of each state to follow up (one line with empty contact
    /// fields for a state with none), the POCs that missed or were late, and
    /// the campaign it is about.
    public func followUpCSV() -> String {
        let header = [
            "state", "finding", "missed_poc_ids", "late_poc_ids", "campaign_id", "deadline", "contact_poc_id", "contact_role",
            "entity", "name", "designation", "email", "phone", "website",
        ]
        var lines = [header]
        let campaign = pings.campaigns.first
        for item in followUp {
            let lead = [
                item.state.rawValue, item.missed.isEmpty ? "late" : "missed", item.missed.map(\.rawValue).joined(separator: " "),
                item.late.map(\.rawValue).joined(separator: " "), campaign?.campaignID ?? "", campaign?.deadline.description ?? "",
            ]
            if item.contacts.isEmpty { lines.append(lead + Array(repeating: "", count: 8)) }
            for entry in item.contacts {
                let d = entry.details
                lines.append(
                    lead + [
                        entry.pocID.rawValue, entry.role.rawValue, d.entity, d.name ?? "", d.designation ?? "", d.email ?? "", d.phone ?? "",
                        d.website ?? "",
                    ])
            }
        }
        return Self.csv(lines)
    }

    /// Compliance per state and campaign as CSV: the pings of each state in
    /// each campaign by status, and the share answered on time.
    public func complianceCSV() -> String {
        var lines = [["campaign_id", "issued_at", "deadline", "state", "pinged", "answered", "late", "missed", "pending", "compliance_percent"]]
        for campaign in campaignFigures {
            for figures in campaign.states {
                let c = figures.counts
                lines.append(
                    [
                        campaign.campaignID, campaign.issuedAt.description, campaign.deadline.description, figures.state.rawValue,
                        String(c.pinged), String(c.answered), String(c.late), String(c.missed), String(c.pending), String(c.compliancePercent),
                    ])
            }
        }
        return Self.csv(lines)
    }

    /// Lines of cells as CSV.
    static func csv(_ lines: [[String]]) -> String {
        lines.map { $0.map(csvCell).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One CSV cell: quoted when it holds a comma, a quote or a line break
    /// (RFC 4180). Directory text is written by every state's POC, so a cell
    /// that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return) is prefixed with `'` and read as text.
    static func csvCell(_ value: String) -> String { CSVCell.escape(value) }
}
