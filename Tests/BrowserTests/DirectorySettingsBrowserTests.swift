import Foundation
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

extension Browser {
    /// The directory and settings pages of `poc ui` in headless Chromium: a
    /// search with the GET form, an entry verified by its fingerprint, the
    /// alert channels saved and tested, each page in English and Arabic.
    @Suite("poc ui: the directory and settings")
    struct DirectorySettingsBrowserTests {
        /// The entries, each in its own UN language with an English translation.
        static let entries: [(home: String, state: String, language: String, entity: String, english: String)] = [
            ("egy", "EGY", "ar", "المركز الوطني للاستجابة لطوارئ الحاسبات", "National Computer Emergency Response Centre"),
            ("chn", "CHN", "zh", "国家计算机网络应急技术处理协调中心", "National Computer Network Emergency Response Coordination Centre"),
        ]

        @Test(
            "search, an entry verified by phone, the alert channels and a test alert; the same pages in Arabic, right to left",
            .timeLimit(.minutes(4)))
        func directoryAndSettings() async throws {
            let shots = Screenshots.folder("poc-ui")
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                let ca = try DevCertificates.shared.get().caFile
                for entry in Self.entries {
                    try await homes.run(
                        entry.home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
                    let invite = try await relay.service.invite(state: try StateCode(entry.state), role: .technical)
                    try await homes.run(
                        entry.home,
                        [
                            "enrol", "--token", invite.token, "--entity", entry.entity, "--entity-en", entry.english, "--email",
                            "\(entry.home)@example.org", "--phone", "+20 2 0000 0000", "--entry-language", entry.language,
                        ])
                }
                try await homes.run(
                    "fra",
                    [
                        "directory", "update", "--entry-language", "fr", "--entity", "Agence nationale de la sécurité des systèmes d’information",
                        "--entity-en", "National Cybersecurity Agency of France",
                    ])
                let whoami = try await homes.run("egy", ["whoami"]).standardOutput
                let line = whoami.split(separator: "\n").first { $0.hasPrefix("fingerprint: ") } ?? ""
                let fingerprint = String(line.dropFirst("fingerprint: ".count))
                try #require(fingerprint.count == 39, "whoami: \(whoami)")
                try await homes.run("fra", ["unlock", "--for", "10m"])
                let (ui, login) = try await homes.startUI()
                let outcome: Result<Void, any Error>
                do {
                    outcome = .success(try await Self.flow(login: login, fingerprint: fingerprint, shots: shots))
                } catch { outcome = .failure(error) }
                await UIHomes.stop(ui)
                _ = try? await homes.run("fra", ["lock"])
                try outcome.get()
                let trusted = try await homes.run("fra", ["directory", "--state", "EGY", "--format", "json"])
                #expect(
                    trusted.standardOutput.range(of: #""trust"\s*:\s*"verified""#, options: .regularExpression) != nil,
                    "the CLI sees what the UI recorded: \(trusted.standardOutput)")
            }
        }

        static func flow(login: URL, fingerprint: String, shots: String) async throws {
            let base = try #require(URL(string: "/", relativeTo: login)?.absoluteURL)
            let session = try await WebDriver.withBrowser(language: "en", width: 1280, height: 1300) { browser in
                try await browser.navigate(to: login)
                _ = try await browser.waitForElement("main h1")
                try await browser.navigate(to: base.appendingPathComponent("directory"))
                _ = try await browser.waitForElement("table.directory tbody tr")
                #expect(try await browser.findElements("table.directory tbody tr").count == 4)
                // The search form by keyboard: type, Enter (a GET, no script needed).
                let text = try await browser.findElement("#directory-q")
                try await text.sendKeys("emergency" + WebDriverKey.enter)
                _ = try await browser.waitForElement("table.directory tbody tr")
                let deadline = ContinuousClock.now + .seconds(30)
                while try await browser.findElements("table.directory tbody tr").count != 2, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try await browser.findElement(".directory-count").text() == "2 of 4 points of contact shown.")
                #expect(try await browser.currentURL().absoluteString.contains("q=emergency"))
                try await browser.navigate(to: base.appendingPathComponent("directory"))
                _ = try await browser.waitForElement("table.directory tbody tr")
                try await browser.saveScreenshot("en-directory", in: shots)

                try await browser.findElement("a[href^='/directory/EGY-']").click()
                _ = try await browser.waitForElement("ol.fingerprint")
                #expect(try await browser.findElements("ol.fingerprint li").count == 8)
                #expect(try await browser.findElement(".translation").text().contains("National Computer Emergency Response Centre"))
                try await browser.saveScreenshot("en-directory-entry", in: shots)
                let entryURL = try await browser.currentURL()
                let input = try await browser.findElement("#verify-fingerprint")
                try await input.sendKeys(fingerprint)
                try await browser.findElement(".verify form button[type='submit']").click()
                let notice = try await browser.waitForElement(".notice")
                #expect(try await notice.text() == "Recorded: this key is verified out of band.")
                #expect(try await browser.findElement("h1 .trust-state").text() == "Verified out of band")

                try await browser.navigate(to: base.appendingPathComponent("settings"))
                let email = try await browser.waitForElement("#alerts-email")
                #expect(try await browser.findElement(".warning-box").isDisplayed())
                try await email.sendKeys("duty@example.org")
                try await browser.findElement("#urgency-priority").click()
                try await browser.findElement("form[action='/settings/alerts'] button[type='submit']").click()
                let saved = try await browser.waitForElement(".notice")
                #expect(try await saved.text().hasPrefix("Alert channels saved."))
                try await browser.findElement("form[action='/settings/alerts/test'] button[type='submit']").click()
                _ = try await browser.waitForElement("table.channels .health-failing, table.channels .health-working")
                #expect(try await browser.findElement(".notice").text().contains("E-mail"))
                let url = try await browser.currentURL()
                try await browser.navigate(to: base.appendingPathComponent("settings"))
                _ = try await browser.waitForElement("table.channels")
                try await browser.saveScreenshot("en-settings", in: shots)
                #expect(url.path == "/settings")
                let cookie = try #require(try await browser.cookies().first { $0.httpOnly }, "no session cookie")
                return (cookie, entryURL)
            }
            try await WebDriver.withBrowser(language: "ar", width: 1280, height: 1300) { browser in
                try await browser.navigate(to: login)
                try await browser.addCookie(session.0)
                try await browser.navigate(to: base.appendingPathComponent("directory"))
                _ = try await browser.waitForElement("table.directory tbody tr")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                #expect(try await browser.findElement("main h1").text() == "الدليل")
                try await browser.saveScreenshot("ar-directory", in: shots)
                try await browser.navigate(to: session.1)
                _ = try await browser.waitForElement("ol.fingerprint")
                #expect(try await browser.findElement("h1 .trust-state").text() == "مُتحقَّق منه عبر قناة مستقلة")
                // The Chinese entry on the Arabic page: its own text, the English beside it, the verify flow.
                try await browser.navigate(to: base.appendingPathComponent("directory"))
                try await browser.waitForElement("a[href^='/directory/CHN-']").click()
                _ = try await browser.waitForElement("ol.fingerprint")
                #expect(try await browser.findElement("#verify-heading").text() == "التحقق من هذا المفتاح بالهاتف")
                #expect(try await browser.findElement("h1 .trust-state").text() == "مثبّت، غير مُتحقَّق منه")
                #expect(try await browser.findElement(".translation").text().contains("Coordination Centre"))
                try await browser.saveScreenshot("ar-directory-entry", in: shots)
                try await browser.navigate(to: base.appendingPathComponent("settings"))
                _ = try await browser.waitForElement("table.channels")
                #expect(try await browser.findElement("#alerts-heading").text() == "قنوات التنبيه")
                try await browser.saveScreenshot("ar-settings", in: shots)
            }
        }
    }
}
