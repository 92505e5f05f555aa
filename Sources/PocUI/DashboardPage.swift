import Foundation
import PocKit
import RelayProtocol

/// The values of the dashboard's template and its charts, from PocKit's
/// ``AuditReport``: ping compliance (the latest campaign, every state across
/// campaigns, the follow-up list with contacts) and delivery per urgency, real
/// or exercise traffic.
struct DashboardPage {
    let report: AuditReport
    let catalog: Catalog
    /// Exercise traffic shown instead of real traffic.
    let exercise: Bool
    /// How many campaigns the compliance chart shows (the newest): four, or two
    /// when more than 40 states were pinged, so that the chart of every state
    /// stays readable; the table shows them all.
    static func chartCampaigns(states: Int) -> Int { states > 40 ? 2 : 4 }

    private var t: Catalog { catalog }
    private var rtl: Bool { catalog.language.direction == "rtl" }

    func data() -> [String: Any] {
        var data: [String: Any] = [
            "generatedAt": report.fetchedAt.description, "generatedText": TimeText.display(report.fetchedAt, t),
            "exercise": exercise,
        ]
        if let latest = report.latestCampaign {
            data["latest"] = latestData(latest)
            data["progressChart"] = progressChart(latest)
        }
        data["hasCampaigns"] = !report.campaigns.isEmpty
        data.merge(complianceData()) { $1 }
        let followUp = report.followUp
        data["hasFollowUp"] = !followUp.isEmpty
        data["followUp"] = followUp.map(followUpRow)
        data.merge(deliveryData()) { $1 }
        return data
    }

    // MARK: Pings

    private func percent(_ value: Int) -> String { t.format("dashboard.percent", ["n": String(value)]) }

    private func latestData(_ latest: AuditCampaignFigures) -> [String: Any] {
        let c = latest.total
        return [
            "campaignID": latest.campaignID, "issuedAt": latest.issuedAt.description, "issuedText": TimeText.display(latest.issuedAt, t),
            "deadline": latest.deadline.description, "deadlineText": TimeText.display(latest.deadline, t),
            "answered": String(c.answered), "late": String(c.late), "missed": String(c.missed), "pending": String(c.pending),
            "pinged": String(c.pinged), "compliance": percent(c.compliancePercent), "open": c.pending > 0,
            "summary": t.format(
                "dashboard.latest.summary",
                ["answered": String(c.answered), "pinged": String(c.pinged), "late": String(c.late), "missed": String(c.missed)]),
        ]
    }

    private static let statuses: [PingStatus] = [.answered, .late, .missed, .pending]

    private func count(_ counts: AuditPingCounts, _ status: PingStatus) -> Int {
        switch status {
        case .answered: counts.answered
        case .late: counts.late
        case .missed: counts.missed
        case .pending: counts.pending
        }
    }

    private func progressChart(_ latest: AuditCampaignFigures) -> String {
        let total = max(latest.total.pinged, 1)
        let bars = Self.statuses.map { status in
            let n = count(latest.total, status)
            return ChartSVG.Bar(
                group: nil, label: t["dashboard.status.\(status.rawValue)"], fraction: Double(n) / Double(total),
                value: t.format("dashboard.chart.of", ["n": String(n), "total": String(latest.total.pinged)]),
                cssClass: "bar-\(status.rawValue)")
        }
        return ChartSVG(
            id: "chart-progress", title: t["dashboard.progress.chart_title"],
            description: t.format(
                "dashboard.progress.chart_desc",
                [
                    "answered": String(latest.total.answered), "late": String(latest.total.late), "missed": String(latest.total.missed),
                    "pending": String(latest.total.pending), "pinged": String(latest.total.pinged),
                ]), bars: bars, ticks: ticks(), marker: nil, rtl: rtl
        ).svg()
    }

    private func ticks() -> [(fraction: Double, label: String)] {
        [0, 25, 50, 75, 100].map { (Double($0) / 100, percent($0)) }
    }

    /// A campaign's short name on an axis: its issue date and time in UTC.
    private func campaignLabel(_ figures: AuditCampaignFigures) -> String {
        TimeText.utc(figures.issuedAt).replacingOccurrences(of: " UTC", with: "")
    }

    private func complianceData() -> [String: Any] {
        let campaigns = report.campaignFigures
        let states = report.pingedStates
        guard !campaigns.isEmpty else { return [:] }
        let shown = Array(campaigns.suffix(Self.chartCampaigns(states: states.count)))
        let latestID = campaigns.last?.campaignID
        var bars: [ChartSVG.Bar] = []
        var described: [String] = []
        for state in states {
            var first = true
            for campaign in shown {
                guard let figures = campaign.figures(of: state) else { continue }
                let c = figures.counts
                var value = "\(percent(c.compliancePercent)) (\(c.answered)/\(c.pinged))"
                var finding = ""
                if campaign.campaignID == latestID {
                    if c.missed > 0 { finding = t["dashboard.status.missed"] } else if c.late > 0 { finding = t["dashboard.status.late"] }
                    if !finding.isEmpty { value += " · \(finding)" }
                }
                let cssClass = c.missed > 0 ? "bar-missed" : c.late > 0 ? "bar-late" : c.pending > 0 ? "bar-pending" : "bar-answered"
                bars.append(
                    ChartSVG.Bar(
                        group: first ? state.rawValue : nil, label: campaignLabel(campaign), fraction: c.compliance, value: value,
                        cssClass: cssClass, labelIsCode: true))
                first = false
            }
            if let latest = campaigns.last?.figures(of: state) {
                described.append("\(state.rawValue) \(percent(latest.counts.compliancePercent))")
            }
        }
        let chart = ChartSVG(
            id: "chart-compliance", title: t["dashboard.compliance.chart_title"],
            description: t.format(
                "dashboard.compliance.chart_desc", ["campaigns": String(shown.count), "latest": described.joined(separator: ", ")]),
            bars: bars, ticks: ticks(), marker: nil, rtl: rtl)
        let columns: [[String: Any]] = campaigns.map { ["label": campaignLabel($0), "id": $0.campaignID] }
        let rows: [[String: Any]] = states.map { state in
            [
                "state": state.rawValue,
                "cells": campaigns.map { campaign -> [String: Any] in
                    guard let figures = campaign.figures(of: state) else { return ["text": "–", "none": true] }
                    let c = figures.counts
                    return [
                        "text": "\(percent(c.compliancePercent)) (\(c.answered)/\(c.pinged))",
                        "detail": t.format(
                            "dashboard.compliance.cell_detail", ["late": String(c.late), "missed": String(c.missed), "pending": String(c.pending)]),
                        "missed": c.missed > 0, "late": c.late > 0,
                    ]
                },
            ]
        }
        var data: [String: Any] = ["complianceChart": chart.svg(), "complianceColumns": columns, "complianceRows": rows]
        if campaigns.count > shown.count {
            data["complianceChartNote"] = t.format(
                "dashboard.compliance.chart_note", ["shown": String(shown.count), "total": String(campaigns.count)])
        }
        return data
    }

    private func followUpRow(_ item: AuditFollowUp) -> [String: Any] {
        var findings: [[String: Any]] = []
        if !item.missed.isEmpty {
            findings.append(["label": t["dashboard.status.missed"], "status": "missed", "ids": item.missed.map(\.rawValue)])
        }
        if !item.late.isEmpty { findings.append(["label": t["dashboard.status.late"], "status": "late", "ids": item.late.map(\.rawValue)]) }
        let contacts: [[String: Any]] = item.contacts.map { entry in
            let d = entry.details
            var contact: [String: Any] = [
                "pocID": entry.pocID.rawValue, "role": t["dashboard.role.\(entry.role.rawValue)"], "entity": d.entity,
            ]
            if let name = d.name, !name.isEmpty { contact["name"] = name }
            if let designation = d.designation, !designation.isEmpty { contact["designation"] = designation }
            if let email = d.email, !email.isEmpty { contact["email"] = email }
            if let phone = d.phone, !phone.isEmpty { contact["phone"] = phone }
            if let website = d.website, website.hasPrefix("https://") || website.hasPrefix("http://") { contact["website"] = website }
            return contact
        }
        return [
            "state": item.state.rawValue, "findings": findings, "contacts": contacts, "hasContacts": !contacts.isEmpty,
            "missed": !item.missed.isEmpty,
        ]
    }

    // MARK: Delivery

    /// A duration in seconds in the largest fitting units (`2 min 5 s`, `3 h`, `7 d`).
    func duration(_ seconds: Int64) -> String {
        func unit(_ key: String, _ n: Int64) -> String { t.format("dashboard.unit.\(key)", ["n": String(n)]) }
        if seconds < 60 { return unit("s", seconds) }
        if seconds < 3600 {
            let s = seconds % 60
            return unit("min", seconds / 60) + (s > 0 ? " " + unit("s", s) : "")
        }
        if seconds < 86_400 {
            let m = (seconds % 3600) / 60
            return unit("h", seconds / 3600) + (m > 0 ? " " + unit("min", m) : "")
        }
        let h = (seconds % 86_400) / 3600
        return unit("d", seconds / 86_400) + (h > 0 ? " " + unit("h", h) : "")
    }

    private func deliveryData() -> [String: Any] {
        let figures = report.delivery(exercise: exercise)
        let rows: [[String: Any]] = figures.map { f in
            let r = f.row
            var row: [String: Any] = [
                "urgency": f.urgency.rawValue, "urgencyLabel": t["urgency.\(f.urgency.rawValue)"], "window": duration(f.windowS),
                "accepted": String(r.accepted), "deliveries": String(r.deliveries), "receipted": String(r.receipted),
                "median": r.medianReceiptS.map(duration) ?? "–", "p95": r.p95ReceiptS.map(duration) ?? "–", "late": String(r.late),
                "escalated": String(r.escalated), "anyLate": r.late > 0, "anyEscalated": r.escalated > 0,
            ]
            if let within = f.p95WithinWindow { row[within ? "p95Within" : "p95Over"] = true }
            return row
        }
        var bars: [ChartSVG.Bar] = []
        let scale = 1.5
        for f in figures where f.row.accepted > 0 {
            guard let median = f.row.medianReceiptS, let p95 = f.row.p95ReceiptS else {
                bars.append(
                    ChartSVG.Bar(
                        group: t["urgency.\(f.urgency.rawValue)"], label: t["dashboard.delivery.median"], fraction: 0,
                        value: t["dashboard.delivery.no_receipts"], cssClass: "bar-none", groupIsCode: false))
                continue
            }
            for (index, (key, seconds)) in [("median", median), ("p95", p95)].enumerated() {
                let share = Double(seconds) / Double(max(f.windowS, 1))
                let over = seconds > f.windowS
                bars.append(
                    ChartSVG.Bar(
                        group: index == 0 ? t["urgency.\(f.urgency.rawValue)"] : nil, label: t["dashboard.delivery.\(key)"], fraction: share,
                        value: duration(seconds) + (over ? " · \(t["dashboard.delivery.over"])" : ""),
                        cssClass: over ? "bar-over" : "bar-\(f.urgency.rawValue)", groupIsCode: false))
            }
        }
        let chart = ChartSVG(
            id: "chart-delivery", title: t["dashboard.delivery.chart_title"], description: t["dashboard.delivery.chart_desc"], bars: bars,
            ticks: [0, 50, 100, 150].map { (Double($0) / 100, percent($0)) }, marker: (1, t["dashboard.delivery.window_line"]),
            rtl: rtl, scale: scale)
        let undelivered: [[String: Any]] = report.undelivered(exercise: exercise).map { u in
            [
                "id": u.id.rawValue, "from": u.from.rawValue, "to": u.to.map(\.rawValue).joined(separator: ", "), "urgency": u.urgency.rawValue,
                "urgencyLabel": t["urgency.\(u.urgency.rawValue)"], "acceptedAt": u.acceptedAt.description,
                "acceptedText": TimeText.display(u.acceptedAt, t), "exercise": u.exercise,
            ]
        }
        let accepted = figures.reduce(0) { $0 + $1.row.accepted }
        return [
            "deliveryRows": rows, "deliveryChart": chart.svg(), "undelivered": undelivered, "hasUndelivered": !undelivered.isEmpty,
            "anyTraffic": accepted > 0,
        ]
    }
}
