import Foundation
import RelayTestSupport
import Testing

extension Browser {
    /// The Sent and Record pages of `poc ui` in headless Chromium: FRA sent DEU
    /// a FLASH RFI that DEU read (a verified receipt) and a PRIORITY notice
    /// nobody read; FRA read DEU's exercise FLASH. Seen in English and Arabic.
    @Suite("poc ui: the sent and record pages")
    struct SentRecordBrowserTests {
        static let rfiSubject = "Scanning from 192.0.2.0/24"
        static let noticeSubject = "Maintenance window on Saturday"

        @Test(
            "Sent shows the verified receipt and the missing one, the past-window filter; Record searches, links a received message, offers the exports; Arabic is right to left",
            .timeLimit(.minutes(4)))
        func sentAndRecord() async throws {
            let shots = Screenshots.folder("poc-ui")
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                let received = try await homes.run("fra", ["inbox", "--format", "json"]).standardOutput
                let receivedID = try #require(received.firstMatch(of: /[0-9a-f]{32}/).map { String($0.0) }, "FRA's inbox: \(received)")
                try await homes.run("fra", ["read", receivedID])
                let rfi = try await homes.run(
                    "fra",
                    [
                        "rfi", "--to", "DEU-TEC-1", "--urgency", "flash", "--tlp", "AMBER", "--subject", Self.rfiSubject, "--incident-nature",
                        "scanning", "--information-requested", "Is 192.0.2.0/24 known to you?",
                    ])
                let rfiID = try #require(rfi.standardOutput.firstMatch(of: /[0-9a-f]{32}/).map { String($0.0) }, "\(rfi)")
                try await homes.run("deu", ["read", rfiID])
                // Sending times have a resolution of a second: the notice gets its own, so it is the newest.
                let sentSecond = Int(Date().timeIntervalSince1970)
                while Int(Date().timeIntervalSince1970) == sentSecond { try await Task.sleep(for: .milliseconds(50)) }
                try await homes.run(
                    "fra", ["send", "--to", "DEU-TEC-1", "--urgency", "priority", "--type", "notice", "--subject", Self.noticeSubject],
                    input: "The exchange is down from 02:00 to 04:00 UTC.")
                try await homes.run("fra", ["unlock", "--for", "10m"])
                let (ui, login) = try await homes.startUI()
                let outcome: Result<Void, any Error>
                do {
                    outcome = .success(try await Self.flow(login: login, receivedID: receivedID, rfiID: rfiID, shots: shots))
                } catch { outcome = .failure(error) }
                await UIHomes.stop(ui)
                _ = try? await homes.run("fra", ["lock"])
                try outcome.get()
            }
        }

        static func flow(login: URL, receivedID: String, rfiID: String, shots: String) async throws {
            let session = try await WebDriver.withBrowser(language: "en", width: 1280, height: 1400) { browser in
                try await browser.navigate(to: login)
                _ = try await browser.waitForElement("a[href='/sent']")
                try await browser.findElement("a[href='/sent']").click()
                _ = try await browser.waitForElement(".sent-message")
                let messages = try await browser.findElements(".sent-message")
                #expect(messages.count == 2)
                let newest = try await #require(messages.first).findElement(".sent-subject").text()
                #expect(newest == noticeSubject, "newest first")
                let rfi = try await browser.findElement("#sent-\(rfiID)")
                #expect(try await rfi.findElement(".check-verified").text() == "Verified: signed by the recipient's key")
                #expect(try await rfi.findElement(".sent-delivery-complete").text() == "1 of 1 receipted")
                #expect(try await rfi.findElement(".tlp").text() == "TLP:AMBER")
                let notice = try #require(messages.first)
                #expect(try await notice.findElement(".check-none").text() == "None yet")
                #expect(try await browser.findElement(".sent-status").text().contains("Delivery states asked from the relay"))
                try await browser.saveScreenshot("en-sent", in: shots)

                // The past-window filter: nothing is late here (the RFI is receipted, the notice within its 24 hours).
                try await browser.findElement("#sent-past-window").click()
                #expect(try await browser.findElement("#sent-past-window").property("checked") == .bool(true))
                try await browser.findElement(".sent-filter button").click()
                let empty = try await browser.waitForElement("p.empty")
                #expect(try await empty.text() == "No sent message is unreceipted past its receipt window.")
                #expect(try await browser.currentURL().absoluteString.hasSuffix("/sent?filter=past-window"))

                try await browser.findElement("a[href='/record']").click()
                _ = try await browser.waitForElement("table.record tbody tr")
                #expect(try await browser.findElements("table.record tbody tr").count == 3)
                #expect(try await browser.findElement(".summary").text() == "Messages found: 3")
                try await browser.saveScreenshot("en-record", in: shots)
                let search = try await browser.findElement("#record-q")
                try await search.sendKeys("scanning")
                try await browser.findElement(".record-actions button").click()
                _ = try await browser.waitForElement("table.record tbody tr")
                let deadline = ContinuousClock.now + .seconds(30)
                while try await browser.findElements("table.record tbody tr").count != 1, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try await browser.findElements("table.record tbody tr").count == 1)
                #expect(try await browser.findElement("#record-q").property("value") == .string("scanning"), "the search stays in the form")
                let csv = try await browser.findElement(".record-export-links a[href*='format=csv']").attribute("href")
                #expect(csv?.hasSuffix("format=csv&q=scanning") == true, "\(csv ?? "")")

                try await browser.navigate(to: login.resolvingAgainstPath("/record?type=message"))
                try await browser.findElement("a[href='/message/\(receivedID)']").click()
                _ = try await browser.waitForElement(".message-body")
                return try #require(try await browser.cookies().first { $0.httpOnly }, "no session cookie")
            }
            try await WebDriver.withBrowser(language: "ar", width: 1280, height: 1400) { browser in
                try await browser.navigate(to: login.resolvingAgainstPath("/unlock"))
                try await browser.addCookie(session)
                try await browser.navigate(to: login.resolvingAgainstPath("/sent"))
                _ = try await browser.waitForElement(".sent-message")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == .string("rtl"))
                #expect(try await browser.findElement("h1").text() == "الرسائل المرسَلة")
                #expect(try await browser.findElement("#sent-\(rfiID) .check-verified").text() == "مُتحقَّق منه: موقَّع بمفتاح المستلم")
                try await browser.saveScreenshot("ar-sent", in: shots)
                try await browser.navigate(to: login.resolvingAgainstPath("/record"))
                _ = try await browser.waitForElement("table.record tbody tr")
                #expect(try await browser.findElement("h1").text() == "السجل")
                #expect(try await browser.findElement("label[for='record-since']").text() == "أُرسلت منذ (التاريخ)")
                try await browser.saveScreenshot("ar-record", in: shots)
            }
        }
    }
}

extension URL {
    /// `path` (with its query) on this address's host and port.
    fileprivate func resolvingAgainstPath(_ path: String) -> URL {
        URL(string: path, relativeTo: self)?.absoluteURL ?? self
    }
}
