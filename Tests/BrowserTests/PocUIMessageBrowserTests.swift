import Foundation
import RelayTestSupport
import Testing

extension Browser {
    /// The message page of `poc ui` in headless Chromium: an RFI opened with the
    /// Open button, acknowledged with the form, seen in English and Arabic.
    @Suite("poc ui: the message page")
    struct PocUIMessageBrowserTests {
        static let subject = "Scanning from 192.0.2.0/24"

        @Test(
            "an RFI: Open sends the receipt, the fields and the respond form show, acknowledge works; Arabic is right to left",
            .timeLimit(.minutes(3)))
        func openAndAcknowledge() async throws {
            let shots = Screenshots.folder("poc-ui")
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                try await homes.run(
                    "deu",
                    [
                        "rfi", "--to", "FRA-TEC-1", "--urgency", "flash", "--tlp", "AMBER", "--exercise", "--subject", Self.subject,
                        "--requester-name", "Anna Schmidt", "--requester-affiliation", "CERT-Bund", "--incident-nature", "scanning",
                        "--incident-description", "Port scans of government networks since 03:10 UTC.",
                        "--information-requested", "Is 192.0.2.0/24 known to you? Can you contact its operator?", "--lead-agency", "BSI",
                    ])
                try await homes.run("fra", ["unlock", "--for", "10m"])
                let (ui, login) = try await homes.startUI()
                let outcome: Result<Void, any Error>
                do {
                    outcome = .success(try await Self.flow(login: login, shots: shots))
                } catch { outcome = .failure(error) }
                await UIHomes.stop(ui)
                _ = try? await homes.run("fra", ["lock"])
                try outcome.get()
                let inbox = try await homes.run("deu", ["inbox", "--format", "json"])
                #expect(inbox.standardOutput.contains("rfi-response"), "the acknowledgement reached DEU")
            }
        }

        static func flow(login: URL, shots: String) async throws {
            let (session, page) = try await WebDriver.withBrowser(language: "en", width: 1280, height: 1500) { browser in
                try await browser.navigate(to: login)
                _ = try await browser.waitForElement("table.inbox tbody tr")
                let links = try await browser.findElements("table.inbox tbody a")
                var target: WebDriverElement?
                for link in links where try await link.text() == subject { target = link }
                try await #require(target).click()
                let open = try await browser.waitForElement(".open-message button")
                #expect(try await browser.findElements(".message-body").isEmpty, "no body before Open")
                try await open.click()
                _ = try await browser.waitForElement(".message-body")
                #expect(try await browser.findElement(".notice").text().contains("signed receipt"))
                #expect(try await browser.findElement(".trust").text().contains("pinned on first use"))
                #expect(try await browser.findElement(".template-fields").text().contains("Is 192.0.2.0/24 known to you?"))
                let page = try await browser.currentURL()
                try await browser.navigate(to: page.deletingQuery)
                _ = try await browser.waitForElement(".message-body")
                try await browser.saveScreenshot("en-message", in: shots)
                let cookie = try #require(try await browser.cookies().first { $0.httpOnly }, "no session cookie")

                try await browser.findElement("form[action$='/respond'] button[type='submit']").click()
                let notice = try await browser.waitForElement(".notice")
                #expect(try await notice.text() == "Response sent.")
                return (cookie, page.deletingQuery)
            }
            try await WebDriver.withBrowser(language: "ar", width: 1280, height: 1500) { browser in
                try await browser.navigate(to: login)
                try await browser.addCookie(session)
                try await browser.navigate(to: page)
                _ = try await browser.waitForElement(".message-body")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                #expect(try await browser.findElement("#respond-heading").text() == "الرد على هذا الطلب")
                try await browser.saveScreenshot("ar-message", in: shots)
            }
        }
    }
}

extension URL {
    /// This address without its query (`?done=...`).
    fileprivate var deletingQuery: URL {
        var components = URLComponents(url: self, resolvingAgainstBaseURL: false)
        components?.query = nil
        return components?.url ?? self
    }
}
