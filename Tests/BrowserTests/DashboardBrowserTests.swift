import Foundation
import ProcessLaunch
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

extension Browser {
    /// The custodian's dashboard of the built `poc ui` in headless Chromium,
    /// after a ping campaign in which one state (BRA) never answers.
    @Suite("poc ui: the custodian's dashboard")
    struct DashboardBrowserTests {
        @Test(
            "after a campaign with one silent state, the dashboard names it in the follow-up list and in its chart; English, Arabic, print",
            .timeLimit(.minutes(4)))
        func silentStateNamed() async throws {
            let shots = Screenshots.folder("poc-ui")
            let clock = TestClock()
            try await LiveRelay.with(clock: clock, configure: { $0.service.receiptWindows[.flash] = 30 }) { relay in
                let homes = try TemporaryDirectory(prefix: "poc-ui-dashboard-browser")
                defer { homes.remove() }
                try Data("\(UIHomes.passphrase)\n".utf8).write(to: URL(fileURLWithPath: homes.file("passphrase")))
                let environment = BuiltProduct.childEnvironment([
                    "POC_PASSPHRASE_FILE": homes.file("passphrase"), "POC_INSECURE_FAST_KDF": "1", "HOME": homes.path,
                ])
                let poc = try BuiltProduct.named("poc")
                func run(_ arguments: [String]) async throws {
                    let result = try await poc.run(arguments + ["--home", homes.file("uno")], environment: environment)
                    try #require(result.status == 0, "\(result)")
                }
                let ca = try DevCertificates.shared.get().caFile
                try await run(["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
                let invite = try await relay.service.invite(state: try StateCode("UNO"), role: .custodian)
                try await run(["enrol", "--token", invite.token, "--entity", "UNODA", "--email", "custodian@un.example", "--entry-language", "en"])
                try await Self.campaigns(relay: relay, clock: clock)

                try await run(["unlock", "--for", "10m"])
                var variables = environment
                variables["POC_PASSPHRASE_FILE"] = nil
                let ui = try ChildProcess(
                    executable: poc.url.path, arguments: ["ui", "--no-open", "--home", homes.file("uno")], environment: variables)
                let outcome: Result<Void, any Error>
                do {
                    let line = try await UIHomes.firstLine(of: ui)
                    let login = try #require(URL(string: line), "not a URL: \(line)")
                    outcome = .success(try await Self.flow(login: login, shots: shots))
                } catch { outcome = .failure(error) }
                await UIHomes.stop(ui)
                _ = try? await run(["lock"])
                try outcome.get()
            }
        }

        /// Two campaigns: everyone on time in the first; in the latest DEU late and BRA silent.
        /// A FLASH from FRA to DEU receipted, one to BRA never receipted.
        static func campaigns(relay: LiveRelay, clock: TestClock) async throws {
            try await RelayAPIClient.using(baseURL: relay.baseURL, trust: relay.trust) { api in
                let fra = try await relay.enrol("FRA", .technical, api: api)
                let chn = try await relay.enrol("CHN", .diplomatic, api: api)
                let deu = try await relay.enrol("DEU", .technical, api: api)
                let bra = try await relay.enrol("BRA", .technical, api: api)
                let everyone = [fra, chn, deu, bra]
                for poc in everyone { _ = try await poc.session.token() }
                let relayKey = try SigningPublicKey(rawRepresentation: try await api.relayInfo().signingKey.data)
                func answer(_ poc: TestPOC) async throws {
                    let ping = try #require(try await poc.session.pings().first, "\(poc.id) has no pending ping")
                    _ = try await poc.session.answer(ping, relayKey: relayKey)
                }
                _ = try await relay.service.startCampaign(deadline: 10)
                for poc in everyone { try await answer(poc) }
                clock.advance(seconds: 20)
                let toDEU = try fra.seal(to: [deu], urgency: .flash)
                for envelope in [toDEU, try fra.seal(to: [bra], urgency: .flash)] { _ = try await fra.session.submit(envelope) }
                for message in try await deu.session.inbox(wait: 0, limit: 10).messages where message.id == toDEU.id {
                    _ = try deu.open(message, senderKey: fra.identity.publicKey)
                    try await deu.session.sendReceipt(for: message)
                }
                _ = try await relay.service.startCampaign(deadline: 10)
                for poc in [fra, chn] { try await answer(poc) }
                clock.advance(seconds: 40)
                try await answer(deu)
            }
        }

        static func flow(login: URL, shots: String) async throws {
            let cookie = try await WebDriver.withBrowser(language: "en", width: 1280, height: 3000) { browser in
                try await browser.navigate(to: login)
                _ = try await browser.waitForElement("main h1")
                try await browser.findElement("a[href='/dashboard']").click()
                let followUp = try await browser.waitForElement("table.follow-up")
                let rows = try await browser.findElements("table.follow-up tbody tr")
                #expect(rows.count == 2, "BRA and DEU")
                let first = try #require(rows.first)
                #expect(try await first.findElement("th").text() == "BRA", "the silent state first")
                #expect(try await first.text().contains("Missed"))
                #expect(try await first.text().contains("technical@bra.example"), "with its published contact")
                #expect(try await followUp.text().contains("DEU"))
                // The chart names it too: its group label and its missed bar, as text in the SVG.
                let chartText = try await browser.executeScript(
                    "return Array.from(document.querySelectorAll('#chart-compliance-title ~ g text')).map(t => t.textContent).join('|');")
                let labels = chartText.string ?? ""
                #expect(labels.contains("BRA") && labels.contains("0 % (0/1) · Missed"), "\(labels)")
                let svg = try await browser.findElement("svg[aria-labelledby='chart-compliance-title chart-compliance-desc']")
                #expect(try await svg.attribute("role") == "img")
                #expect(try await svg.isDisplayed())
                // The print button is there once the script ran; the figures at a glance.
                #expect(try await browser.findElement("button.print-button").isDisplayed())
                #expect(try await browser.findElement(".figure-missed .figure-number").text() == "1")
                try await browser.saveScreenshot("en-dashboard", in: shots)

                // The print stylesheet, turned on for the screen (WebDriver has no print media switch):
                // no navigation, no forms or links to follow, A4 width.
                try await browser.setWindowSize(width: 820, height: 3000)
                try await browser.executeScript(
                    """
                    for (const sheet of document.styleSheets) {
                      for (const rule of sheet.cssRules) {
                        if (rule instanceof CSSMediaRule && rule.media.mediaText === 'print') rule.media.mediaText = 'all';
                      }
                    }
                    """)
                #expect(try await !browser.findElement(".site-nav").isDisplayed(), "navigation hidden in print")
                #expect(try await !browser.findElement(".print-note").isDisplayed())
                #expect(try await !browser.findElement(".traffic-switch").isDisplayed())
                #expect(try await browser.findElement("table.follow-up").isDisplayed())
                try await browser.saveScreenshot("print-dashboard", in: shots)
                return try #require(try await browser.cookies().first { $0.httpOnly }, "no session cookie")
            }
            try await WebDriver.withBrowser(language: "ar", width: 1280, height: 3000) { browser in
                try await browser.navigate(to: login)
                try await browser.addCookie(cookie)
                try await browser.navigate(to: URL(string: "/dashboard", relativeTo: login)!.absoluteURL)
                _ = try await browser.waitForElement("table.follow-up")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                #expect(try await browser.findElement("table.follow-up tbody tr th").text() == "BRA")
                #expect(try await browser.findElement("table.follow-up tbody tr").text().contains("لم يرد"))
                let labels =
                    try await browser.executeScript(
                        "return Array.from(document.querySelectorAll('#chart-compliance-title ~ g text')).map(t => t.textContent).join('|');"
                    ).string ?? ""
                #expect(labels.contains("BRA") && labels.contains("0٪ (0/1) · لم يرد"), "\(labels)")
                try await browser.saveScreenshot("ar-dashboard", in: shots)
            }
        }
    }
}
