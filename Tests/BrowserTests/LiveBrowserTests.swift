import Foundation
import Glibc
import ProcessLaunch
import RelayTestSupport
import Testing

extension Browser {
    /// The live inbox of `poc ui` in headless Chromium: arrivals from another
    /// home appear in the open inbox without a reload.
    @Suite("poc ui: the live inbox")
    struct LiveBrowserTests {
        @Test(
            "with the inbox open, a FLASH from DEU appears without a reload, is announced, and raises a notification without its subject; locking reloads the page to the unlock page; in Arabic too; Ctrl-C (SIGINT) stops poc ui at once with the stream open",
            .timeLimit(.minutes(3)))
        func arrival() async throws {
            let shots = Screenshots.folder("poc-ui")
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                try await homes.run("fra", ["unlock", "--for", "10m"])
                let (ui, login) = try await homes.startUI()
                let outcome: Result<Void, any Error>
                do {
                    outcome = .success(try await Self.flow(homes: homes, ui: ui, login: login, shots: shots))
                } catch { outcome = .failure(error) }
                if ui.isRunning { await UIHomes.stop(ui) }
                _ = try? await homes.run("fra", ["lock"])
                try outcome.get()
            }
        }

        static func flow(homes: UIHomes, ui: ChildProcess, login: URL, shots: String) async throws {
            let session = try await WebDriver.withBrowser(language: "en", width: 1280, height: 1000) { browser in
                try await browser.navigate(to: login)
                let loaded = try await browser.waitForElement("table.inbox tbody tr")
                try await LiveInbox.prepare(browser)
                try await LiveInbox.waitUntilLive(browser, "Live: new messages appear here as they arrive.")
                _ = try await browser.waitForElement("#inbox-live[data-live='current']")
                #expect(
                    try await loaded.text().contains(UIHomes.subject),
                    "the stream's first event, the same list, left the page's rows in place (not stale)")
                let permission = try await browser.executeScript("return window.__realPermission;").string
                #expect(
                    try await browser.findElement("#live-notify").isDisplayed() == (permission == "default"),
                    "the button shows while permission is still to be asked (\(permission ?? "none"))")

                try await homes.run(
                    "deu", ["send", "--to", "FRA-TEC-1", "--urgency", "flash", "--tlp", "RED", "--subject", "Second substation down"],
                    input: "Details follow.")
                let row = try await LiveInbox.waitForRow(browser, subject: "Second substation down")
                #expect(try await row.text().contains("FLASH"))
                #expect(try await LiveInbox.notReloaded(browser), "the row came without a reload")
                let announced = try await browser.findElement("#live-announce").text()
                #expect(announced == "New message: FLASH, from DEU-TEC-1.", "\(announced)")
                #expect(try await browser.findElement("#live-announce").attribute("role") == "status")
                let notes = try await LiveInbox.notifications(browser)
                #expect(notes == ["FLASH: new message | From DEU-TEC-1. Open POC Relay to read it."], "\(notes)")
                #expect(!notes.joined().contains("substation"), "never the subject in a notification")
                try await browser.saveScreenshot("en-live", in: shots)
                let cookie = try #require(try await browser.cookies().first { $0.httpOnly }, "no session cookie")

                // Locked elsewhere (a same-origin POST, as another tab's Lock button sends): the stream says
                // `locked` and the page reloads to the unlock page, taking the list off the screen.
                _ = try await browser.executeScript(
                    """
                    const csrf = document.querySelector("input[name=csrf]").value;
                    fetch("/lock", { method: "POST", body: new URLSearchParams({ csrf: csrf }) });
                    return true;
                    """)
                let deadline = ContinuousClock.now + .seconds(20)
                while try await browser.currentURL().path != "/unlock" {
                    try #require(ContinuousClock.now < deadline, "the inbox stayed on the screen after the keys locked")
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(try await browser.findElements("#inbox-live").isEmpty)
                return cookie
            }
            try await WebDriver.withBrowser(language: "ar", width: 1280, height: 1000) { browser in
                try await browser.navigate(to: login)
                try await browser.addCookie(session)
                try await browser.navigate(to: login.deletingLastPathComponent().appendingPathComponent("inbox"))
                try await browser.waitForElement("#passphrase").sendKeys(UIHomes.passphrase)
                try await browser.findElement(".unlock-form button[type='submit']").click()
                _ = try await browser.waitForElement("table.inbox tbody tr")
                #expect(try await browser.executeScript("return document.documentElement.dir;") == "rtl")
                try await LiveInbox.prepare(browser)
                try await LiveInbox.waitUntilLive(browser, "مباشر: تظهر الرسائل الجديدة هنا فور وصولها.")
                try await homes.run(
                    "deu", ["send", "--to", "FRA-TEC-1", "--urgency", "immediate", "--exercise", "--subject", "Drill: call tree"],
                    input: "Exercise.")
                _ = try await LiveInbox.waitForRow(browser, subject: "Drill: call tree")
                #expect(try await LiveInbox.notReloaded(browser))
                #expect(try await browser.findElement("#live-announce").text() == "رسالة تمرين جديدة: فوري، من DEU-TEC-1.")
                #expect(try await LiveInbox.notifications(browser) == ["تمرين فوري: رسالة جديدة | من DEU-TEC-1. افتح POC Relay لقراءتها."])
                try await browser.saveScreenshot("ar-live", in: shots)

                // Ctrl-C (SIGINT) with this page's stream open: poc ui ends within a second or two.
                let start = ContinuousClock.now
                ui.send(SIGINT)
                let status = await ui.waitForExit(timeout: .seconds(30))
                let took = ContinuousClock.now - start
                #expect(status == 0, "poc ui: \(String(decoding: ui.standardError, as: UTF8.self))")
                #expect(took < .seconds(3), "poc ui took \(took) to stop with a live stream open")
            }
        }
    }
}

/// What the live inbox tests do in the page.
enum LiveInbox {
    /// Marks the document (a reload loses the mark) and replaces `Notification`
    /// by a recorder that has permission: headless Chromium shows none.
    static func prepare(_ browser: WebDriver) async throws {
        _ = try await browser.executeScript(
            """
            window.__liveMark = "not reloaded";
            window.__realPermission = "Notification" in window ? Notification.permission : "none";
            window.__notes = [];
            const Recorder = function (title, options) { window.__notes.push(title + " | " + options.body); };
            Recorder.permission = "granted";
            Recorder.requestPermission = () => Promise.resolve("granted");
            window.Notification = Recorder;
            return true;
            """)
    }

    static func notReloaded(_ browser: WebDriver) async throws -> Bool {
        try await browser.executeScript("return window.__liveMark || '';").string == "not reloaded"
    }

    static func notifications(_ browser: WebDriver) async throws -> [String] {
        try await browser.executeScript("return window.__notes || [];").array?.compactMap(\.string) ?? []
    }

    /// Waits until the page says it is live (its event stream is open).
    static func waitUntilLive(_ browser: WebDriver, _ text: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await browser.findElement("#live-state").text() != text {
            let shown = try await browser.findElement("#live-state").text()
            try #require(ContinuousClock.now < deadline, "the inbox did not go live: \(shown)")
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Polls the list until a row with a link named `subject` is there.
    static func waitForRow(_ browser: WebDriver, subject: String, timeout: Duration = .seconds(45)) async throws -> WebDriverElement {
        let deadline = ContinuousClock.now + timeout
        while true {
            for row in try await browser.findElements("table.inbox tbody tr") {
                if let link = try? await row.findElement("a"), try await link.text() == subject { return row }
            }
            try #require(ContinuousClock.now < deadline, "no row \(subject) appeared within \(timeout)")
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
