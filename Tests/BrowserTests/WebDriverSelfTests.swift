import Foundation
import RelayTestSupport
import Testing

/// The WebDriver client against headless Chromium and a page served here:
/// one browser for the whole suite, each part of the client in turn.
extension Browser {
    @Suite("WebDriver client")
    struct WebDriverSelfTests {
        @Test("navigate, find, type, click, keyboard focus order, scripts, screenshots, cookies and errors", .timeLimit(.minutes(3)))
        func selfTest() async throws {
            let site = try await TestPageServer.start()
            let outcome: Result<Void, any Error>
            do { outcome = .success(try await checks(site)) } catch { outcome = .failure(error) }
            await site.stop()
            try outcome.get()
        }

        func checks(_ site: TestPageServer) async throws {
            try await WebDriver.withBrowser(language: "en") { browser in
                // Navigation and the page's identity.
                try await browser.navigate(to: site.url)
                #expect(try await browser.title() == "WebDriver self-test")
                #expect(try await browser.currentURL() == site.url)
                #expect(try await browser.pageSource().contains("id=\"greeting\""))
                #expect(try await browser.findElement("#language").text().hasPrefix("Accept-Language: en"))

                // Finding, attributes, text.
                #expect(try await browser.findElements("li").count == 3)
                #expect(try await browser.findElements(".absent").isEmpty)
                let heading = try await browser.findElement("#heading")
                #expect(try await heading.text() == "Self-test")
                #expect(try await heading.attribute("data-kind") == "title")
                #expect(try await heading.attribute("data-none") == nil)
                #expect(try await heading.tagName() == "h1")
                #expect(try await heading.isDisplayed())

                // Typing and clicking run the page's own script.
                let name = try await browser.findElement("#name")
                try await name.sendKeys("Ada")
                #expect(try await name.property("value") == "Ada")
                try await browser.findElement("#greet").click()
                #expect(try await browser.findElement("#greeting").text() == "Hello, Ada")
                try await name.clear()
                try await name.sendKeys("Grace")

                // Keyboard only: Tab and Shift+Tab move the focus in document order.
                try await browser.executeScript("document.getElementById('first').focus();")
                #expect(try await browser.activeElement().attribute("id") == "first")
                try await browser.press(WebDriverKey.tab)
                #expect(try await browser.activeElement().attribute("id") == "name")
                try await browser.press(WebDriverKey.tab)
                let greet = try await browser.activeElement()
                #expect(try await greet.attribute("id") == "greet")
                #expect(try await greet.isSame(as: browser.findElement("#greet")))
                #expect(try await !greet.isSame(as: name))
                try await browser.press(WebDriverKey.tab)
                #expect(try await browser.activeElement().attribute("id") == "last")
                try await browser.press(WebDriverKey.shift + WebDriverKey.tab + WebDriverKey.tab)
                #expect(try await browser.activeElement().attribute("id") == "name")
                // Space on the focused button clicks it, as a keyboard user would.
                try await browser.press(WebDriverKey.tab + " ")
                #expect(try await browser.findElement("#greeting").text() == "Hello, Grace")

                // Scripts: values in and out, elements in.
                #expect(try await browser.executeScript("return arguments[0] + arguments[1];", [1, 2]) == .number(3))
                #expect(try await browser.executeScript("return document.documentElement.lang;") == "en")
                #expect(try await browser.executeScript("return arguments[0].id;", [heading.reference]) == "heading")
                #expect(try await browser.executeScript("return {a: [true, null]};") == ["a": [true, .null]])

                // A screenshot is a real PNG, saved where the log says.
                let png = try await browser.screenshot()
                #expect(png.count > 1_000)
                #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                let saved = try await browser.saveScreenshot("self-test", in: Screenshots.folder("webdriver"))
                print("browser tests: screenshot saved to \(saved)")
                #expect(FileManager.default.fileExists(atPath: saved))

                // The page's cookie, HttpOnly and SameSite=Strict as the server set it.
                let cookie = try #require(try await browser.cookies().first { $0.name == "visited" })
                #expect(cookie.value == "yes")
                #expect(cookie.httpOnly)
                #expect(cookie.sameSite == "Strict")
                #expect(try await browser.executeScript("return document.cookie;") == "")

                // Window size.
                try await browser.setWindowSize(width: 800, height: 600)
                #expect(try await browser.executeScript("return window.outerWidth;") == .number(800))

                // Enter in a field submits its form; the wait sees the new page.
                try await browser.findElement("#name").sendKeys(WebDriverKey.enter)
                let submitted = try await browser.waitForElement("#submitted")
                #expect(try await submitted.text() == "Form: Grace")
                #expect(try await browser.currentURL().path == "/form")
                try await browser.back()
                #expect(try await browser.title() == "WebDriver self-test")

                // A failed command says which command failed and what the driver said.
                let error = try await #require(throws: WebDriverError.self) { try await browser.findElement("#missing") }
                #expect(error.error == "no such element")
                #expect(error.command.contains("#missing"))
                #expect(error.description.contains("webdriver: POST"))
                let script = try await #require(throws: WebDriverError.self) { try await browser.executeScript("throw new Error('boom');") }
                #expect(script.error == "javascript error")
                #expect(script.message.contains("boom"))
            }
        }
    }
}
