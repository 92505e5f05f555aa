import Foundation
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

extension Browser {
    /// The compose page of `poc ui` in headless Chromium: a FLASH RFI with
    /// TLP:AMBER written and sent by keyboard alone, and a message to two
    /// states that waits for the confirmation page; English and Arabic.
    @Suite("poc ui: compose")
    struct ComposeBrowserTests {
        static let subject = "Scanning from 192.0.2.0/24"

        @Test(
            "keyboard only: a FLASH RFI with TLP:AMBER reaches DEU; a message to every technical POC asks for confirmation with the count",
            .timeLimit(.minutes(4)))
        func composeAndSend() async throws {
            let shots = Screenshots.folder("poc-ui")
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                try await homes.enrolAnother("usa", state: "USA", relay: relay)
                try await homes.run("fra", ["unlock", "--for", "10m"])
                let (ui, login) = try await homes.startUI()
                let outcome: Result<Void, any Error>
                do {
                    let advisory = homes.homes.file("advisory.txt")
                    try Data("Patch KB-2026-12 before 15 December.\n".utf8).write(to: URL(fileURLWithPath: advisory))
                    outcome = .success(try await Self.flow(login: login, shots: shots, attachment: advisory))
                } catch { outcome = .failure(error) }
                await UIHomes.stop(ui)
                _ = try? await homes.run("fra", ["lock"])
                try outcome.get()
                let deu = try await homes.run("deu", ["inbox", "--format", "json"]).standardOutput
                let lines = try JSONSerialization.jsonObject(with: Data(deu.utf8)) as? [[String: Any]] ?? []
                let rfi = try #require(lines.first { $0["type"] as? String == "rfi" }, "the RFI reached DEU: \(deu)")
                #expect(rfi["urgency"] as? String == "flash")
                #expect(rfi["tlp"] as? String == "AMBER")
                #expect(rfi["subject"] as? String == Self.subject)
                #expect(lines.contains { $0["subject"] as? String == "Patch advisory" }, "the confirmed broadcast reached DEU")
                let usa = try await homes.run("usa", ["inbox", "--format", "json"]).standardOutput
                let usaLines = try JSONSerialization.jsonObject(with: Data(usa.utf8)) as? [[String: Any]] ?? []
                let patch = try #require(usaLines.first { $0["subject"] as? String == "Patch advisory" }, "and USA: \(usa)")
                let read = try await homes.run("usa", ["read", try #require(patch["id"] as? String)]).standardOutput
                #expect(read.contains("Attachment: advisory.txt (text/plain, 37 bytes)"), "the file, through the confirmation: \(read)")
            }
        }

        static func flow(login: URL, shots: String, attachment: String) async throws {
            let session = try await WebDriver.withBrowser(language: "en", width: 1280, height: 2400) { browser in
                try await browser.navigate(to: login)
                _ = try await browser.waitForElement("main h1")
                // From the inbox to Compose, and every field, by Tab, typing, arrows, Space and Enter: no click.
                try await tab(browser, to: "a[href='/compose']")
                try await browser.press(WebDriverKey.enter)
                _ = try await browser.waitForElement("#compose-form")
                try await tab(browser, to: "#type-message")
                try await browser.press(WebDriverKey.arrowDown + WebDriverKey.arrowDown)
                #expect(try await browser.executeScript("return document.getElementById('type-rfi').checked;").bool == true)
                #expect(
                    try await browser.executeScript("return getComputedStyle(document.getElementById('compose-body-field')).display;").string
                        == "none", "compose.js hides the text of a message for an RFI")
                try await tab(browser, to: "#compose-to")
                try await browser.press("DEU-TEC-1")
                try await tab(browser, to: "#compose-urgency")
                try await browser.press("FLASH")
                #expect(try await browser.executeScript("return document.getElementById('compose-urgency').value;").string == "flash")
                try await tab(browser, to: "#compose-tlp")
                try await browser.press("TLP:AMBER")
                #expect(try await browser.executeScript("return document.getElementById('compose-tlp').value;").string == "AMBER")
                try await tab(browser, to: "#compose-exercise")
                try await browser.press(WebDriverKey.space)
                #expect(try await browser.executeScript("return document.getElementById('compose-exercise').checked;").bool == true)
                try await tab(browser, to: "#compose-subject")
                try await browser.press(subject)
                try await tab(browser, to: "#rfi-incident_nature")
                try await browser.press("scanning")
                try await tab(browser, to: "#rfi-information_requested")
                try await browser.press("Is 192.0.2.0/24 known to you?")
                try await tab(browser, to: "#compose-send")
                try await browser.press(WebDriverKey.enter)
                let sentID = try await browser.waitForElement("#sent-id")
                #expect((try? MessageID(try await sentID.text())) != nil)
                #expect(try await browser.findElement(".notice").text().contains("The relay accepted the message"))
                try await screenshot(browser, "en-compose-sent", in: shots)

                // To every technical POC (DEU and USA): the confirmation first, with the count.
                try await tab(browser, to: "a[href='/compose']")
                try await browser.press(WebDriverKey.enter)
                _ = try await browser.waitForElement("#compose-form")
                try await tab(browser, to: "#compose-role")
                try await browser.press("Technical")
                try await tab(browser, to: "#compose-q")
                try await browser.press("tec" + WebDriverKey.enter)
                _ = try await browser.waitForElement("table.compose-results")
                try await tab(browser, to: "#compose-subject")
                try await browser.press("Patch advisory")
                try await tab(browser, to: "#compose-body")
                try await browser.press("Apply the vendor's patch of 1 December.")
                try await browser.findElement("#compose-attachments").sendKeys(attachment)
                #expect(try await browser.findElement("#attachments-chosen").text() == "advisory.txt")
                try await browser.executeScript("window.scrollTo(0, 0);")
                try await screenshot(browser, "en-compose", in: shots)
                try await tab(browser, to: "#compose-send")
                try await browser.press(WebDriverKey.enter)
                let count = try await browser.waitForElement(".confirm-count")
                #expect(try await count.text() == "Points of contact: 2. States: 2.")
                #expect(try await browser.findElement("#confirm-send").text() == "Send to all 2")
                #expect(try await browser.findElement(".confirm-message .kept").text().contains("advisory.txt"))
                try await screenshot(browser, "en-compose-confirm", in: shots)
                try await tab(browser, to: "#confirm-back")
                try await browser.press(WebDriverKey.enter)
                let subjectField = try await browser.waitForElement("#compose-subject")
                #expect(try await subjectField.property("value").string == "Patch advisory", "Back keeps what was typed")
                #expect(try await browser.findElement("#compose-body").property("value").string == "Apply the vendor's patch of 1 December.")
                try await tab(browser, to: "#compose-send")
                try await browser.press(WebDriverKey.enter)
                _ = try await browser.waitForElement(".confirm-count")
                try await tab(browser, to: "#confirm-send")
                try await browser.press(WebDriverKey.enter)
                _ = try await browser.waitForElement("#sent-id")
                return try #require(try await browser.cookies().first { $0.httpOnly }, "no session cookie")
            }
            try await WebDriver.withBrowser(language: "ar", width: 1280, height: 2400) { browser in
                try await browser.navigate(to: login)
                try await browser.addCookie(session)
                var compose = URLComponents(url: login, resolvingAgainstBaseURL: false)!
                compose.path = "/compose"
                compose.query = "q=tec"
                try await browser.navigate(to: compose.url!)
                _ = try await browser.waitForElement("#compose-form")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                #expect(try await browser.findElement("main h1").text() == "إنشاء رسالة")
                try await browser.findElement("#compose-subject").sendKeys("نشرة التصحيح")
                try await browser.findElement("#compose-body").sendKeys("طبّقوا تصحيح المورّد.")
                try await browser.findElement("#compose-role").sendKeys("تقني")
                try await screenshot(browser, "ar-compose", in: shots)
                try await browser.findElement("#compose-send").sendKeys(WebDriverKey.enter)
                let count = try await browser.waitForElement(".confirm-count")
                #expect(try await count.text() == "جهات الاتصال: 2. الدول: 2.")
                try await screenshot(browser, "ar-compose-confirm", in: shots)
                try await browser.findElement("#confirm-send").sendKeys(WebDriverKey.enter)
                let sent = try await browser.waitForElement(".notice")
                #expect(try await sent.text() == "قبل المُرحِّل الرسالة ويحتفظ بها للمرسَل إليهم.")
                try await screenshot(browser, "ar-compose-sent", in: shots)
            }
        }

        /// Saves a screenshot of the whole page: the window as tall as the page first.
        static func screenshot(_ browser: WebDriver, _ name: String, in folder: String) async throws {
            let height =
                try await browser.executeScript(
                    "const f = document.querySelector('.site-footer'); return Math.ceil(f.getBoundingClientRect().bottom + window.scrollY) + window.outerHeight - window.innerHeight;"
                ).number ?? 1500
            try await browser.setWindowSize(width: 1280, height: max(600, Int(height) + 16))
            try await browser.saveScreenshot(name, in: folder)
            try await browser.setWindowSize(width: 1280, height: 2400)
        }

        /// Presses Tab until the focus is on `selector` (at most 80 times).
        static func tab(_ browser: WebDriver, to selector: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            for _ in 0..<80 {
                let focused = try await browser.executeScript(
                    "return document.activeElement !== null && document.activeElement.matches(arguments[0]);", [.string(selector)])
                if focused.bool == true { return }
                try await browser.press(WebDriverKey.tab)
            }
            Issue.record("Tab never reached \(selector)", sourceLocation: sourceLocation)
            throw ComposeBrowserError.unreachable(selector)
        }
    }
}

enum ComposeBrowserError: Error {
    case unreachable(String)
}

extension UIHomes {
    /// Enrols one more technical POC home of `state` with `relay`, as ``make(relay:)`` enrols FRA and DEU.
    func enrolAnother(_ home: String, state: String, relay: LiveRelay) async throws {
        let ca = try DevCertificates.shared.get().caFile
        try await run(home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
        let invite = try await relay.service.invite(state: try StateCode(state), role: .technical)
        try await run(
            home, ["enrol", "--token", invite.token, "--entity", "CERT \(state)", "--email", "\(home)@example.org", "--entry-language", "en"])
    }
}
