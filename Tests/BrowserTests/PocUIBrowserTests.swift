import Foundation
import RelayTestSupport
import Testing

extension Browser {
    /// `poc ui` of the built binary in headless Chromium, with screenshots of
    /// every page seen in English and Arabic.
    @Suite("poc ui")
    struct PocUIBrowserTests {
        @Test(
            "with poc unlock's agent the printed link opens the inbox; in English, then Arabic right to left from Accept-Language",
            .timeLimit(.minutes(3)))
        func agentInbox() async throws {
            let shots = Screenshots.folder("poc-ui")
            print("browser tests: screenshots of poc ui in \(shots)")
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                try await homes.run("fra", ["unlock", "--for", "10m"])
                let (ui, login) = try await homes.startUI()
                let outcome: Result<Void, any Error>
                do {
                    outcome = .success(try await Self.inboxInTwoLanguages(login: login, shots: shots))
                } catch { outcome = .failure(error) }
                await UIHomes.stop(ui)
                _ = try? await homes.run("fra", ["lock"])
                try outcome.get()
            }
        }

        static func inboxInTwoLanguages(login: URL, shots: String) async throws {
            let session = try await WebDriver.withBrowser(language: "en") { browser in
                try await browser.navigate(to: login)
                let row = try await browser.waitForElement("table.inbox tbody tr")
                #expect(try await browser.currentURL().path == "/inbox")
                #expect(try await browser.executeScript("return document.documentElement.lang;") == "en")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "ltr")
                #expect(try await row.text().contains(UIHomes.subject))
                #expect(try await row.findElement(".urgency").text() == "FLASH")
                #expect(try await row.findElement(".exercise-mark").isDisplayed())
                #expect(try await row.findElement(".tlp").text() == "TLP:AMBER")
                #expect(try await browser.findElement(".poc-id").text().contains("FRA-TEC-1"))
                let cookie = try #require(try await browser.cookies().first { $0.httpOnly }, "no HttpOnly session cookie")
                #expect(cookie.sameSite == "Strict")
                try await browser.saveScreenshot("en-inbox", in: shots)

                // Keyboard: the first Tab from the top lands on the skip link.
                try await browser.executeScript("document.activeElement && document.activeElement.blur();")
                try await browser.press(WebDriverKey.tab)
                #expect(try await browser.activeElement().attribute("class")?.contains("skip-link") == true)

                // The login link is good once: a second use gets no session.
                #expect(try await browser.cookies().count >= 1)
                return cookie
            }

            // A second browser in Arabic: the used link gets it nothing; the first one's cookie gets it the inbox.
            try await WebDriver.withBrowser(language: "ar") { browser in
                try await browser.navigate(to: login)
                #expect(try await browser.findElements("table.inbox").isEmpty, "a used login link opened the inbox again")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                try await browser.saveScreenshot("ar-login-used", in: shots)
                try await browser.addCookie(session)
                try await browser.navigate(to: login.deletingLastPathComponent().appendingPathComponent("inbox"))
                let row = try await browser.waitForElement("table.inbox tbody tr")
                #expect(try await browser.executeScript("return document.documentElement.lang;") == "ar")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                #expect(try await row.text().contains(UIHomes.subject))
                let heading = try await browser.findElement("h1").text()
                #expect(heading != "Inbox" && !heading.isEmpty, "the inbox heading is not in Arabic: \(heading)")
                try await browser.saveScreenshot("ar-inbox", in: shots)
            }
        }

        @Test("the passphrase form unlocks, the language picker switches to Arabic (rtl), and lock locks", .timeLimit(.minutes(3)))
        func forms() async throws {
            let shots = Screenshots.folder("poc-ui")
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                let (ui, login) = try await homes.startUI()
                // Chromium sends `Origin: null` with these same-origin form posts (the page is served
                // with `Referrer-Policy: no-referrer`): the guard must take them, and only them.
                try await Self.formFlow(login: login, shots: shots)
                await UIHomes.stop(ui)
            }
        }

        static func formFlow(login: URL, shots: String) async throws {
            try await WebDriver.withBrowser(language: "en") { browser in
                try await browser.navigate(to: login)
                _ = try await browser.waitForElement("#passphrase")
                #expect(try await browser.currentURL().path == "/unlock")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "ltr")
                try await browser.saveScreenshot("en-unlock", in: shots)

                // A wrong passphrase is refused on the same page.
                try await browser.findElement("#passphrase").sendKeys("not it" + WebDriverKey.enter)
                _ = try await browser.waitForElement("#unlock-error, main:not(:has(#passphrase))")
                let shown = try await browser.bodyText()
                let refused = try #require(try await browser.findElements("#unlock-error").first, "no unlock error, showing: \(shown)")
                #expect(try await !refused.text().isEmpty)
                try await browser.saveScreenshot("en-unlock-wrong", in: shots)

                // The right one, typed and submitted with Enter.
                try await browser.findElement("#passphrase").sendKeys(UIHomes.passphrase + WebDriverKey.enter)
                let row = try await browser.waitForElement("table.inbox tbody tr")
                #expect(try await browser.currentURL().path == "/inbox")
                #expect(try await row.text().contains(UIHomes.subject))

                // Arabic from the picker: right to left, the same inbox.
                try await browser.findElement("#language-select option[value='ar']").click()
                try await browser.findElement(".language-picker button[type='submit']").click()
                _ = try await browser.waitForElement("html[lang='ar']")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                #expect(try await browser.findElement("table.inbox tbody tr").text().contains(UIHomes.subject))

                // Lock: the unlock page again, still in Arabic.
                try await browser.findElement(".lock-form button").click()
                _ = try await browser.waitForElement("#passphrase")
                #expect(try await browser.currentURL().path == "/unlock")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                try await browser.saveScreenshot("ar-unlock", in: shots)
            }
        }
    }
}
