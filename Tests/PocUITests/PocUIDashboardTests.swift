import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PocKit
import PocUI
import RelayProtocol
import RelayTestSupport
import Testing

@Suite("poc ui: the custodian's dashboard, against a live relay", .timeLimit(.minutes(3)))
struct PocUIDashboardTests {
    /// The text between `start` and the next `end` after it.
    static func section(_ html: String, from start: String, to end: String) throws -> String {
        let lower = try #require(html.range(of: start), "no \(start)").lowerBound
        let upper = try #require(html[lower...].range(of: end), "no \(end) after \(start)").upperBound
        return String(html[lower..<upper])
    }

    /// The figure number shown for a status of the latest campaign.
    static func figure(_ html: String, _ status: String) -> String? {
        let marker = #"<li class="figure figure-\#(status)"><span class="figure-number" dir="ltr">"#
        guard let start = html.range(of: marker)?.upperBound else { return nil }
        return String(html[start...].prefix { $0 != "<" })
    }

    @Test(
        "the latest campaign counted (2 on time, 1 late, 1 missed); the silent state first in the follow-up list with its contacts and in the chart; real traffic only by default"
    )
    func figuresOfAKnownCampaign() async throws {
        try await DashboardFixture.with { f in
            let (cookie, _) = try await f.ui.loginAndUnlock()
            let page = try await f.ui.request(.GET, "/dashboard", cookies: ["poc_session": cookie])
            #expect(page.status == 200, "\(page.body)")
            let html = page.body
            #expect(html.contains(#"<a href="/dashboard" aria-current="page">Dashboard</a>"#), "the menu item of the custodian, current")
            #expect(Self.figure(html, "answered") == "2")
            #expect(Self.figure(html, "late") == "1")
            #expect(Self.figure(html, "missed") == "1")
            #expect(Self.figure(html, "pending") == "0")
            #expect(html.contains("2 of 4 points of contact answered on time; 1 late, 1 missed."))
            #expect(html.contains(f.campaigns[1]), "the latest campaign's id")

            // The follow-up list: BRA (missed) first with its published contact, then DEU (late); nobody else.
            let followUp = try Self.section(html, from: #"<table class="data follow-up">"#, to: "</table>")
            let bra = try #require(followUp.range(of: #"<bdi dir="ltr">BRA</bdi>"#), "BRA not in the follow-up list")
            let deu = try #require(followUp.range(of: #"<bdi dir="ltr">DEU</bdi>"#), "DEU not in the follow-up list")
            #expect(bra.lowerBound < deu.lowerBound, "a missed state before a late one")
            #expect(!followUp.contains(">FRA<") && !followUp.contains(">CHN<"))
            #expect(
                followUp.contains(#"<span class="status-mark status-missed">Missed</span> <bdi dir="ltr" class="poc">\#(f.bra.id.rawValue)</bdi>"#))
            #expect(followUp.contains(#"<span class="status-mark status-late">Late</span> <bdi dir="ltr" class="poc">\#(f.deu.id.rawValue)</bdi>"#))
            #expect(followUp.contains(#"<a href="mailto:technical@bra.example" dir="ltr">technical@bra.example</a>"#))
            #expect(followUp.contains("BRA technical team"))
            #expect(followUp.contains(#"&lt;b&gt;DEU&lt;/b&gt;"#) && !followUp.contains("<b>DEU"), "directory text escaped")
            #expect(followUp.contains(#"<span dir="ltr">+49 30 1234</span>"#) && followUp.contains("Anna Schmidt"))

            // The compliance chart: an image with its title and description, BRA's latest bar empty and said missed.
            let chart = try Self.section(
                html, from: #"<svg class="chart" role="img" aria-labelledby="chart-compliance-title chart-compliance-desc""#, to: "</svg>")
            #expect(chart.contains(#"<title id="chart-compliance-title">Compliance per state across campaigns</title>"#))
            #expect(chart.contains(#"<desc id="chart-compliance-desc">"#) && chart.contains("BRA 0 %"), "the description names the figures")
            let braBars = try Self.section(chart, from: ">BRA</text>", to: "· Missed</text>")
            #expect(braBars.contains(#"width="360""#), "BRA answered the first campaign: a full bar")
            #expect(braBars.contains(#"<rect class="bar-missed" x="240" y="#) && braBars.contains(#"width="0""#), "and nothing in the latest")
            #expect(braBars.contains("0 % (0/1) · Missed"))
            #expect(chart.contains("0 % (0/1) · Late"), "DEU late in the latest campaign")
            #expect(chart.components(separatedBy: "100 % (1/1)").count - 1 == 6, "FRA and CHN twice, BRA and DEU once")
            // The same figures as a table.
            let table = try Self.section(html, from: #"<table class="data compliance-table">"#, to: "</table>")
            #expect(table.contains("<caption>") && table.contains(#"<th scope="row"><bdi dir="ltr">BRA</bdi></th>"#))
            #expect(table.contains("late 0, missed 1, pending 0"))
            let progress = try Self.section(html, from: #"aria-labelledby="chart-progress-title chart-progress-desc""#, to: "</svg>")
            #expect(progress.contains(">1 of 4</text>") && progress.contains(">2 of 4</text>"))

            // Delivery, real traffic: two FLASH, one receipted at once, one overdue and listed undelivered.
            #expect(html.contains("Shown: real traffic only (exercise traffic is counted apart)."))
            #expect(html.contains(#"<a class="traffic-switch" href="/dashboard?traffic=exercise">Show exercise traffic instead</a>"#))
            let flash = try Self.section(html, from: #"<tr class="row-flash">"#, to: "</tr>")
            #expect(flash.contains("<td>30 s</td>"), "the configured window")
            #expect(html.contains("<td>1 h</td>") && html.contains("<td>1 d</td>") && html.contains("<td>7 d</td>"), "the default windows")
            #expect(
                flash.contains(#"<td class="number">2</td><td class="number">2</td><td class="number">1</td>"#), "accepted, deliveries, receipted")
            #expect(flash.contains("<td>0 s</td>"), "the median time to receipt")
            #expect(flash.contains(#"<td class="number over">1</td>"#), "the overdue delivery is late")
            let routine = try Self.section(html, from: #"<tr class="row-routine">"#, to: "</tr>")
            #expect(routine.contains(#"<td class="number">0</td><td class="number">0</td>"#), "the exercise ROUTINE is not in real traffic")
            let undelivered = try Self.section(html, from: #"<table class="data undelivered">"#, to: "</table>")
            #expect(undelivered.contains(f.undelivered.rawValue) && undelivered.contains(f.bra.id.rawValue))
            #expect(html.contains(#"aria-labelledby="chart-delivery-title chart-delivery-desc""#))

            // The printable report, and the page's rules.
            #expect(html.contains("print this page or save it as PDF with your browser"))
            #expect(html.contains(#"<button type="button" class="print-button" hidden>Print or save as PDF</button>"#))
            #expect(!html.contains("style="), "no style attribute (CSP)")
            #expect(html.components(separatedBy: "<h1>").count == 2)
            for table in html.components(separatedBy: "<table").dropFirst() {
                let body = table.components(separatedBy: "</table>")[0]
                #expect(body.contains("<caption>") && body.contains(#"scope="col""#), "every table has a caption and column headers")
            }
        }
    }

    @Test("the exercise switch: exercise traffic alone, marked EXERCISE, and a link back; CSV exports of the follow-up list and the compliance")
    func exerciseSwitchAndCSV() async throws {
        try await DashboardFixture.with { f in
            let (cookie, _) = try await f.ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let page = try await f.ui.request(.GET, "/dashboard?traffic=exercise", cookies: session)
            #expect(page.status == 200)
            let html = page.body
            #expect(html.contains(#"<span class="exercise-mark">EXERCISE</span> Shown: exercise traffic only."#))
            #expect(html.contains(#"<a class="traffic-switch" href="/dashboard">Show real traffic instead</a>"#))
            #expect(html.contains(#"<table class="data delivery exercise">"#))
            let routine = try Self.section(html, from: #"<tr class="row-routine">"#, to: "</tr>")
            #expect(routine.contains(#"<td class="number">1</td><td class="number">1</td><td class="number">1</td>"#))
            let flash = try Self.section(html, from: #"<tr class="row-flash">"#, to: "</tr>")
            #expect(flash.contains(#"<td class="number">0</td><td class="number">0</td><td class="number">0</td>"#))
            #expect(!html.contains(f.undelivered.rawValue), "the real undelivered FLASH is not exercise traffic")
            #expect(html.contains("No message is waiting for a receipt past its window."))

            let csv = try await f.ui.request(.GET, "/dashboard/follow-up.csv", cookies: session)
            #expect(csv.status == 200)
            #expect(csv.headers.first(name: "Content-Type") == "text/csv; charset=utf-8")
            let disposition = try #require(csv.headers.first(name: "Content-Disposition"))
            #expect(disposition.hasPrefix(#"attachment; filename="poc-relay-follow-up-"#) && disposition.hasSuffix(#".csv""#))
            let lines = csv.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first?.hasPrefix("state,finding,missed_poc_ids,late_poc_ids,campaign_id,") == true)
            #expect(lines.count == 3, "\(lines)")
            #expect(lines[1].hasPrefix("BRA,missed,\(f.bra.id.rawValue),,\(f.campaigns[1]),"), "\(lines)")
            #expect(lines[1].contains(",technical@bra.example,"))
            #expect(lines[2].hasPrefix("DEU,late,,\(f.deu.id.rawValue),"), "\(lines)")
            // A cell a spreadsheet would run as a formula is text: quoted (it holds commas and quotes) and prefixed with '.
            #expect(
                lines[2].contains(
                    #",technical,"'=HYPERLINK(""https://evil.example"", ""<b>DEU</b>"")",Anna Schmidt,,cert@deu.example,'+49 30 1234,"#), "\(lines)")

            let compliance = try await f.ui.request(.GET, "/dashboard/compliance.csv", cookies: session)
            #expect(compliance.status == 200 && compliance.headers.first(name: "Content-Disposition")?.hasPrefix("attachment;") == true)
            let rows = compliance.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.count == 9, "a header and 4 states in 2 campaigns: \(rows)")
            #expect(rows.contains { $0.hasPrefix(f.campaigns[1]) && $0.contains(",BRA,1,0,0,1,0,0") }, "\(rows)")
            #expect(rows.contains { $0.hasPrefix(f.campaigns[0]) && $0.contains(",BRA,1,1,0,0,0,100") }, "\(rows)")
            #expect(rows.contains { $0.hasPrefix(f.campaigns[1]) && $0.contains(",DEU,1,0,1,0,0,0") }, "\(rows)")
        }
    }

    @Test("in Arabic: right to left, the chart's axis from the right edge, state codes and numbers left to right")
    func arabicChart() async throws {
        try await DashboardFixture.with { f in
            let (cookie, _) = try await f.ui.loginAndUnlock()
            let page = try await f.ui.request(.GET, "/dashboard", cookies: ["poc_session": cookie, "lang": "ar"])
            #expect(page.status == 200)
            let html = page.body
            #expect(html.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(html.contains("<h1>لوحة متابعة أمين الدليل</h1>"))
            let chart = try Self.section(html, from: #"aria-labelledby="chart-compliance-title chart-compliance-desc""#, to: "</svg>")
            // The state code at the right edge, ending there as left-to-right text.
            #expect(chart.contains(#"x="800" y="#) && chart.contains(#"text-anchor="end" direction="ltr">BRA</text>"#))
            // A full bar ends 240 units from the right edge: it starts at 800 - 240 - 360 = 200.
            #expect(chart.contains(#"<rect class="bar-answered" x="200" y="#) && chart.contains(#"width="360""#))
            #expect(chart.contains("0٪ (0/1) · لم يرد"))
            let followUp = try Self.section(html, from: #"<table class="data follow-up">"#, to: "</table>")
            #expect(followUp.contains("لم يرد") && followUp.contains(f.bra.id.rawValue))
            #expect(html.contains("المعروض: الحركة الفعلية فقط"))
        }
    }

    @Test("every string the dashboard's template names is in the catalogs (a missing one would render as nothing)")
    func templateKeysExist() throws {
        let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Sources/PocUI/Resources/templates/dashboard.mustache")
        let text = try String(contentsOf: template, encoding: .utf8)
        let english = try #require(try UIResources.load().catalogs.tables[.en])
        let keys = text.matches(of: /\{\{t\.([a-z0-9_.]+)\}\}/).map { String($0.1) }
        #expect(keys.count > 60)
        for key in Set(keys) { #expect(english[key] != nil, "\(key) is not in the catalogs") }
    }

    @Test("PocKit's rules: follow-up is missed (and the relay's follow_up) before late, by state; compliance rounds down; every urgency has a row")
    func reportRules() throws {
        let issued = try Timestamp(parsing: "2026-06-01T00:00:00Z")
        let deadline = try Timestamp(parsing: "2026-06-03T00:00:00Z")
        func ping(_ id: String, _ status: PingStatus) throws -> PingAudit.PingRow {
            let poc = try POCID(id)
            return PingAudit.PingRow(
                pocID: poc, state: try StateCode(String(id.prefix(3))), role: .technical, status: status, answeredAt: nil, latencyS: nil)
        }
        let latest = PingAudit.Campaign(
            campaignID: "c2", issuedAt: issued, deadline: deadline,
            pings: [
                try ping("ZAF-TEC-1", .late), try ping("ARG-TEC-1", .late), try ping("KEN-TEC-1", .missed), try ping("KEN-TEC-2", .answered),
                try ping("KEN-TEC-3", .answered), try ping("FRA-TEC-1", .pending),
            ])
        // The relay also lists NOR (say, a POC since revoked): it is followed up too.
        let audit = PingAudit(
            campaigns: [latest], followUp: [.init(state: try StateCode("NOR"), pocIDs: [try POCID("NOR-TEC-1")])], compliance: [])
        let report = AuditReport(
            pings: audit, delivery: DeliveryAudit(byUrgency: [], undelivered: []), receiptWindows: [.flash: 60], directory: [],
            fetchedAt: issued)
        #expect(report.followUp.map(\.state.rawValue) == ["KEN", "NOR", "ARG", "ZAF"])
        #expect(report.followUp.first?.missed.map(\.rawValue) == ["KEN-TEC-1"])
        let ken = try #require(report.latestCampaign?.figures(of: try StateCode("KEN")))
        #expect(ken.counts == AuditPingCounts(answered: 2, late: 0, missed: 1, pending: 0))
        #expect(ken.counts.compliancePercent == 66, "2 of 3 is 66 %, never rounded up")
        #expect(report.latestCampaign?.total == AuditPingCounts(answered: 2, late: 2, missed: 1, pending: 1))
        let delivery = report.delivery(exercise: false)
        #expect(delivery.map(\.urgency) == [.flash, .immediate, .priority, .routine])
        #expect(delivery.map(\.windowS) == [60, 3600, 86_400, 604_800], "the relay's window, else section 7's default")
        #expect(delivery.allSatisfy { $0.row.accepted == 0 && $0.p95WithinWindow == nil })
    }

    @Test("before any campaign or message: the page says so instead of empty charts; the follow-up CSV has its header alone")
    func nothingYet() async throws {
        try await LiveRelay.with { relay in
            let root = try TemporaryDirectory(prefix: "poc-ui-dashboard-empty")
            defer { root.remove() }
            _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(UIFixture.passphrase.utf8))
            _ = try await UIFixture.enrol(root, relay, "uno", state: "UNO", role: .custodian)
            let server = try await UIServer.start(home: root.file("uno"))
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let ui = UIFixture(root: root, relay: relay, url: server.url, http: http)
            let outcome: Result<Void, any Error>
            do {
                let (cookie, _) = try await ui.loginAndUnlock()
                let page = try await ui.request(.GET, "/dashboard", cookies: ["poc_session": cookie])
                #expect(page.status == 200)
                #expect(page.body.contains("No ping campaign yet."))
                #expect(page.body.contains("No real message accepted yet."))
                #expect(page.body.contains("No message is waiting for a receipt past its window."))
                #expect(!page.body.contains("<svg"), "no chart without figures")
                let csv = try await ui.request(.GET, "/dashboard/follow-up.csv", cookies: ["poc_session": cookie])
                #expect(csv.status == 200 && csv.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1)
                outcome = .success(())
            } catch { outcome = .failure(error) }
            try? await http.shutdown()
            await server.stop()
            try outcome.get()
        }
    }

    @Test("every language: the page in its language with no key left untranslated; an unknown traffic value shows real traffic")
    func everyLanguage() async throws {
        try await DashboardFixture.with { f in
            let (cookie, _) = try await f.ui.loginAndUnlock()
            let titles = [
                "en": "Custodian's dashboard", "fr": "Tableau de bord du dépositaire", "es": "Panel del custodio", "ru": "Панель хранителя",
                "zh": "保管方仪表板", "ar": "لوحة متابعة أمين الدليل",
            ]
            for (language, title) in titles {
                let page = try await f.ui.request(.GET, "/dashboard?traffic=bogus", cookies: ["poc_session": cookie, "lang": language])
                #expect(page.status == 200)
                #expect(page.body.contains(#"<html lang="\#(language)""#))
                #expect(page.body.contains("<h1>\(title.replacingOccurrences(of: "'", with: "&#39;"))</h1>"), "\(language)")
                #expect(page.body.firstMatch(of: /dashboard\.[a-z_]+\.[a-z_0-9]+/) == nil, "a key shown as text in \(language)")
                #expect(page.body.contains(#"href="/dashboard?traffic=exercise""#), "real traffic shown for an unknown value")
                #expect(page.body.contains(f.bra.id.rawValue))
            }
        }
    }

    @Test("a POC that is not a custodian: 403 in its language for the page and the exports; keys closed: to the unlock page; no session: 401")
    func refusedToOthers() async throws {
        try await UIFixture.with { ui in
            let anonymous = try await ui.request(.GET, "/dashboard")
            #expect(anonymous.status == 401)
            let cookie = try await ui.login()
            let locked = try await ui.request(.GET, "/dashboard", cookies: ["poc_session": cookie])
            #expect(locked.status == 303)
            #expect(locked.headers.first(name: "Location") == "/unlock")
            let unlockPage = try await ui.request(.GET, "/unlock", cookies: ["poc_session": cookie])
            let unlocked = try await ui.request(
                .POST, "/unlock", cookies: ["poc_session": cookie],
                form: [("csrf", try UIFixture.csrf(in: unlockPage.body)), ("passphrase", UIFixture.passphrase)])
            #expect(unlocked.status == 303)
            let session = cookie
            for path in ["/dashboard", "/dashboard?traffic=exercise", "/dashboard/follow-up.csv", "/dashboard/compliance.csv"] {
                let answer = try await ui.request(.GET, path, cookies: ["poc_session": session], headers: [("Accept-Language", "fr")])
                #expect(answer.status == 403, "\(path)")
                #expect(answer.body.contains("<h1>Réservé au dépositaire</h1>"), "\(path)")
                #expect(answer.body.contains("Ce point de contact a le rôle : technique."), "\(path)")
                #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
            }
            let inbox = try await ui.request(.GET, "/inbox", cookies: ["poc_session": session])
            #expect(!inbox.body.contains(#"href="/dashboard""#), "no dashboard in the menu of a technical POC")
        }
    }
}
