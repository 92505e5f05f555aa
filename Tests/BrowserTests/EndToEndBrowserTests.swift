import Foundation
import Glibc
import ProcessLaunch
import RelayProtocol
import RelayTestSupport
import Testing

extension Browser {
    /// The issue's whole flow in headless Chromium: two POCs' `poc ui` (FRA and
    /// DEU, each its own child process) against a live relay over TLS.
    @Suite("poc ui: end to end, two POCs")
    struct EndToEndBrowserTests {
        static let subject = "Scanning 192.0.2.0/24"
        static let third = "USA-TEC-1"

        @Test(
            "unlock both; DEU composes a FLASH RFI with TLP:AMBER; it appears in FRA's open inbox without a reload; FRA opens it (key pinned) and acknowledges with an ETA; DEU's Sent page shows the verified receipt; DEU grants then denies consent and FRA's forward is refused with the reason; every page of the menu in Arabic is right to left with nothing left in English",
            .timeLimit(.minutes(3)))
        func twoPOCs() async throws {
            let shots = Screenshots.folder("poc-ui")
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                let (fra, fraLogin) = try await homes.startUI(home: "fra")
                let deu: (ui: ChildProcess, login: URL)
                do { deu = try await homes.startUI(home: "deu") } catch {
                    await UIHomes.stop(fra)
                    throw error
                }
                let outcome: Result<Void, any Error>
                do {
                    outcome = .success(try await Self.flow(homes: homes, fra: fraLogin, deu: deu, shots: shots))
                } catch { outcome = .failure(error) }
                await UIHomes.stop(fra)
                if deu.ui.isRunning { await UIHomes.stop(deu.ui) }
                try outcome.get()
            }
        }

        static func flow(homes: UIHomes, fra: URL, deu: (ui: ChildProcess, login: URL), shots: String) async throws {
            let pages = try await WebDriver.withBrowser(language: "en", width: 1280, height: 1400) { fraBrowser in
                try await EndToEndPage.loginAndUnlock(fraBrowser, fra)
                try await LiveInbox.prepare(fraBrowser)
                try await LiveInbox.waitUntilLive(fraBrowser, "Live: new messages appear here as they arrive.")

                let (rfi, request) = try await WebDriver.withBrowser(language: "en", width: 1280, height: 1400) { deuBrowser in
                    try await EndToEndPage.loginAndUnlock(deuBrowser, deu.login)
                    let rfi = try await composeRFI(deuBrowser, deu.login)

                    // FRA: the RFI appears in the open inbox, announced, without a reload.
                    let row = try await EndToEndPage.waitForRow(fraBrowser, containing: [subject, "FLASH", "TLP:AMBER"])
                    #expect(try await LiveInbox.notReloaded(fraBrowser), "the RFI came without a reload")
                    #expect(try await fraBrowser.findElement("#live-announce").text() == "New message: FLASH, from DEU-TEC-1.")
                    #expect(try await LiveInbox.notifications(fraBrowser) == ["FLASH: new message | From DEU-TEC-1. Open POC Relay to read it."])
                    try await fraBrowser.saveScreenshot("en-inbox-live", in: shots)

                    // FRA opens it (the sender's key pinned on first use) and acknowledges with an ETA of 4 hours.
                    try await EndToEndPage.open(fraBrowser, row: row)
                    #expect(try await fraBrowser.findElement(".trust").text().contains("pinned on first use"))
                    #expect(try await fraBrowser.findElement(".template-fields").text().contains("Is 192.0.2.0/24 known to you?"))
                    try await fraBrowser.findElement("#eta").sendKeys("4 hours")
                    #expect(try await fraBrowser.executeScript("return document.getElementById('eta').value;").string == "4h")
                    try await fraBrowser.findElement("form[action$='/respond'] button[type='submit']").click()
                    try await EndToEndPage.waitForText(fraBrowser, ".notice", containing: "Response sent.")

                    // DEU's Sent page: FRA's receipt, its signature verified.
                    let receipt = try await EndToEndPage.reload(
                        deuBrowser, EndToEndPage.url(deu.login, "/sent"), until: "#sent-\(rfi) .receipt-check.check-verified")
                    #expect(!(try await receipt.text()).isEmpty)
                    try await deuBrowser.saveScreenshot("en-e2e-sent", in: shots)

                    // FRA asks DEU's consent to share with a third party.
                    try await fraBrowser.navigate(to: EndToEndPage.url(fra, "/message/\(rfi)"))
                    try await fraBrowser.waitForElement("#ask-third").sendKeys(third)
                    try await fraBrowser.findElement("#ask-reason").sendKeys("The same scans reach their networks.")
                    try await fraBrowser.findElement("form[action$='/consent/request'] button[type='submit']").click()
                    try await EndToEndPage.waitForText(fraBrowser, ".notice", containing: "Consent request sent")

                    // DEU: the request arrives in its open inbox; granted, then denied.
                    try await deuBrowser.navigate(to: EndToEndPage.url(deu.login, "/inbox"))
                    _ = try await deuBrowser.waitForElement("#inbox-live")
                    let asked = try await EndToEndPage.waitForRow(deuBrowser, containing: ["Consent request", "FRA-TEC-1"])
                    try await EndToEndPage.open(deuBrowser, row: asked)
                    let request = try await deuBrowser.currentURL().path
                    try await deuBrowser.findElement("form[action$='/consent/grant'] button").click()
                    try await EndToEndPage.waitForText(deuBrowser, ".notice", containing: "Consent granted")
                    try await deuBrowser.findElement("form[action$='/consent/deny'] button").click()
                    try await EndToEndPage.waitForText(deuBrowser, ".notice", containing: "Consent denied")
                    return (rfi, request)
                }
                #expect(request.hasPrefix("/message/"))
                await UIHomes.stop(deu.ui)

                // FRA opens both consent replies (so that they are in its record), then tries to forward.
                for _ in 0..<2 {
                    try await fraBrowser.navigate(to: EndToEndPage.url(fra, "/inbox"))
                    _ = try await fraBrowser.waitForElement("#inbox-live")
                    let reply = try await EndToEndPage.waitForRow(fraBrowser, containing: ["Consent reply", "DEU-TEC-1"])
                    try await EndToEndPage.open(fraBrowser, row: reply)
                }
                try await fraBrowser.navigate(to: EndToEndPage.url(fra, "/message/\(rfi)"))
                try await fraBrowser.waitForElement("#fwd-third").sendKeys(third)
                try await fraBrowser.findElement("form[action$='/forward'] button[type='submit']").click()
                let refusal = try await EndToEndPage.waitForText(fraBrowser, ".error", containing: "consent")
                #expect(refusal.contains("DEU-TEC-1 withdrew consent"), "\(refusal)")
                #expect(refusal.contains("is not forwarded to \(third)"), "\(refusal)")
                #expect(try await fraBrowser.findElement("#fwd-third").property("value").string == third, "what was typed is kept")

                // Every page of the menu (and a message and a directory entry), as English shows it.
                var pages: [(path: String, text: [String])] = []
                for path in ["/inbox", "/compose", "/sent", "/directory", "/record", "/settings", "/message/\(rfi)", "/directory/DEU-TEC-1"] {
                    try await fraBrowser.navigate(to: EndToEndPage.url(fra, path))
                    _ = try await fraBrowser.waitForElement("main h1")
                    pages.append((path, try await EndToEndPage.translatableText(fraBrowser)))
                }
                let session = try #require(try await fraBrowser.cookies().first { $0.httpOnly }, "no session cookie")
                return (pages: pages, session: session)
            }

            // The same pages in Arabic: right to left, no English catalog string, nothing left as English showed it.
            let catalogs = try CatalogStrings.load()
            try await WebDriver.withBrowser(language: "ar", width: 1280, height: 1400) { browser in
                try await browser.navigate(to: fra)
                try await browser.addCookie(pages.session)
                for (path, english) in pages.pages {
                    try await browser.navigate(to: EndToEndPage.url(fra, path))
                    _ = try await browser.waitForElement("main h1")
                    #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl", "\(path)")
                    #expect(try await browser.executeScript("return document.documentElement.lang;") == "ar", "\(path)")
                    let arabic = try await EndToEndPage.translatableText(browser)
                    #expect(arabic.count >= 10 && english.count >= 10, "\(path): the text was read (\(arabic.count), \(english.count) pieces)")
                    let left = catalogs.untranslated(arabic, englishPage: english)
                    #expect(left.isEmpty, "untranslated on the Arabic \(path): \(left.joined(separator: "; "))")
                }
                // An arrival in the Arabic inbox, live.
                try await browser.navigate(to: EndToEndPage.url(fra, "/inbox"))
                try await LiveInbox.prepare(browser)
                try await LiveInbox.waitUntilLive(browser, "مباشر: تظهر الرسائل الجديدة هنا فور وصولها.")
                try await homes.run(
                    "deu", ["send", "--to", "FRA-TEC-1", "--urgency", "immediate", "--tlp", "GREEN", "--subject", "Follow-up call at 14:00"],
                    input: "Bridge details follow.")
                _ = try await EndToEndPage.waitForRow(browser, containing: ["Follow-up call at 14:00"])
                #expect(try await browser.findElement("#live-announce").text() == "رسالة جديدة: فوري، من DEU-TEC-1.")
                try await browser.saveScreenshot("ar-inbox-live", in: shots)
            }
        }

        /// DEU writes the RFI in its compose page and sends it; returns its id.
        static func composeRFI(_ browser: WebDriver, _ login: URL) async throws -> String {
            try await browser.navigate(to: EndToEndPage.url(login, "/compose"))
            try await browser.waitForElement("#type-rfi").click()
            try await browser.findElement("#compose-to").sendKeys("FRA-TEC-1")
            try await browser.findElement("#compose-urgency").sendKeys("FLASH")
            try await browser.findElement("#compose-tlp").sendKeys("TLP:AMBER")
            #expect(try await browser.executeScript("return document.getElementById('compose-urgency').value;").string == "flash")
            #expect(try await browser.executeScript("return document.getElementById('compose-tlp').value;").string == "AMBER")
            try await browser.findElement("#compose-subject").sendKeys(subject)
            try await browser.findElement("#rfi-incident_nature").sendKeys("scanning")
            try await browser.findElement("#rfi-information_requested").sendKeys("Is 192.0.2.0/24 known to you?")
            try await browser.findElement("#compose-send").click()
            let id = try await browser.waitForElement("#sent-id").text()
            #expect((try? MessageID(id)) != nil, "\(id)")
            return id
        }
    }
}
