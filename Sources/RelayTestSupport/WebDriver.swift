public import Foundation

/// A W3C WebDriver session with headless Chromium, driven through its own
/// ``ChromeDriverProcess``: the browser tests' hands and eyes.
///
/// Start one with ``start(language:width:height:)`` or, so that it always
/// ends, ``withBrowser(language:width:height:_:)``. Every command throws a
/// ``WebDriverError`` naming the command and the driver's message.
public final class WebDriver: Sendable {
    /// The chromedriver this session runs in.
    public let driver: ChromeDriverProcess
    /// The session's id.
    public let sessionID: String
    private let sessionURL: URL

    private init(driver: ChromeDriverProcess, sessionID: String) {
        self.driver = driver
        self.sessionID = sessionID
        sessionURL = driver.url.appendingPathComponent("session").appendingPathComponent(sessionID)
    }

    // MARK: - Whether the tests run

    /// Whether a missing browser fails the browser tests instead of skipping
    /// them (`POC_REQUIRE_BROWSER_TESTS=1`, as CI sets).
    public static var required: Bool { ProcessInfo.processInfo.environment["POC_REQUIRE_BROWSER_TESTS"] == "1" }

    /// Whether Chromium and chromedriver are both here.
    public static var isAvailable: Bool { (try? ChromeDriverProcess.findTools()) != nil }

    /// Whether the browser tests should run: when the browser is here, or
    /// when it is required (and its absence must fail them).
    public static var shouldRun: Bool { required || isAvailable }

    /// The reason to give when they are skipped.
    public static let skipReason = "chromium or chromedriver missing: run scripts/install-deps (POC_REQUIRE_BROWSER_TESTS=1 fails instead)"

    // MARK: - Starting and ending

    /// Starts chromedriver and a headless Chromium session.
    /// - Parameters:
    ///   - language: The browser's language (`--lang` and its `Accept-Language`), e.g. `en`, `ar`.
    ///   - width: The window's width in CSS pixels.
    ///   - height: The window's height.
    public static func start(language: String = "en", width: Int = 1280, height: Int = 900) async throws -> WebDriver {
        let driver = try await ChromeDriverProcess.start()
        let options: WebDriverValue = [
            "binary": .string(driver.tools.chromium),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=\(width),\(height)", "--lang=\(language)",
            ].map { WebDriverValue.string($0) }.asArray,
            "prefs": ["intl.accept_languages": .string(language)],
        ]
        let capabilities: WebDriverValue = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome", "goog:chromeOptions": options, "pageLoadStrategy": "normal",
                    "timeouts": ["implicit": 0, "pageLoad": 60_000, "script": 30_000],
                ]
            ]
        ]
        do throws(WebDriverError) {
            let value = try await WebDriverHTTP.send(
                "POST", driver.url.appendingPathComponent("session"), body: capabilities, command: "new session")
            guard let id = value["sessionId"].string else {
                throw WebDriverError(command: "POST /session (new session)", error: "protocol", message: "no sessionId in \(value)")
            }
            return WebDriver(driver: driver, sessionID: id)
        } catch {
            let printed = driver.output
            await driver.stop()
            throw WebDriverError(command: error.command, error: error.error, message: "\(error.message)\nchromedriver: \(printed)")
        }
    }

    /// Runs `body` with a new browser, then always ends the session and chromedriver.
    public static func withBrowser<T: Sendable>(
        language: String = "en", width: Int = 1280, height: Int = 900, _ body: (WebDriver) async throws -> T
    ) async throws -> T {
        let browser = try await start(language: language, width: width, height: height)
        let result: Result<T, any Error>
        do { result = .success(try await body(browser)) } catch { result = .failure(error) }
        await browser.quit()
        return try result.get()
    }

    /// Ends the session (closing Chromium), then stops chromedriver. Never throws.
    public func quit() async {
        _ = try? await WebDriverHTTP.send("DELETE", sessionURL, command: "delete session", timeout: .seconds(30))
        await driver.stop()
    }

    /// Ends the session only (chromedriver keeps running until ``quit()``).
    public func deleteSession() async throws {
        _ = try await WebDriverHTTP.send("DELETE", sessionURL, command: "delete session")
    }

    // MARK: - Commands

    /// Sends a command of this session: `path` relative to `/session/{id}`.
    @discardableResult
    func command(
        _ method: String, _ path: String, _ body: WebDriverValue? = nil, name: String
    ) async throws(WebDriverError)
        -> WebDriverValue
    {
        var url = sessionURL
        for part in path.split(separator: "/") { url.appendPathComponent(String(part)) }
        return try await WebDriverHTTP.send(method, url, body: method == "POST" ? (body ?? [:]) : nil, command: name)
    }

    /// Opens `url` and waits for the page to load.
    public func navigate(to url: URL) async throws {
        try await command("POST", "url", ["url": .string(url.absoluteString)], name: "navigate to \(url.absoluteString)")
    }

    /// The address of the page shown.
    public func currentURL() async throws -> URL {
        let value = try await command("GET", "url", name: "current url")
        guard let text = value.string, let url = URL(string: text) else {
            throw WebDriverError(command: "GET url (current url)", error: "protocol", message: "not a URL: \(value)")
        }
        return url
    }

    /// The page's title.
    public func title() async throws -> String {
        try await command("GET", "title", name: "title").string ?? ""
    }

    /// The page's markup as the browser serialises its DOM now.
    public func pageSource() async throws -> String {
        try await command("GET", "source", name: "page source").string ?? ""
    }

    /// What the page shows as text (`document.body.innerText`), its lines
    /// joined by " / " and cut at `limit` characters: for failure messages.
    public func bodyText(limit: Int = 1_000) async throws -> String {
        let text = try await executeScript("return document.body ? document.body.innerText : '';").string ?? ""
        return String(text.split(whereSeparator: \.isNewline).joined(separator: " / ").prefix(limit))
    }

    /// The first element matching the CSS `selector`.
    /// - Throws: ``WebDriverError`` `no such element` when there is none.
    public func findElement(_ selector: String) async throws -> WebDriverElement {
        let value = try await command(
            "POST", "element", ["using": "css selector", "value": .string(selector)], name: "find element \(selector)")
        return try WebDriverElement(value, in: self, command: "find element \(selector)")
    }

    /// Every element matching the CSS `selector`, in document order (maybe none).
    public func findElements(_ selector: String) async throws -> [WebDriverElement] {
        let value = try await command(
            "POST", "elements", ["using": "css selector", "value": .string(selector)], name: "find elements \(selector)")
        return try (value.array ?? []).map { try WebDriverElement($0, in: self, command: "find elements \(selector)") }
    }

    /// Waits until an element matches `selector` (new arrivals, redirects), up to `timeout`.
    /// - Throws: ``WebDriverError`` `timeout` naming the selector and the page it was on.
    public func waitForElement(_ selector: String, timeout: Duration = .seconds(30)) async throws -> WebDriverElement {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let first = try await findElements(selector).first { return first }
            if ContinuousClock.now >= deadline {
                let url = (try? await currentURL().absoluteString) ?? "?"
                let shown = (try? await bodyText(limit: 400)) ?? ""
                throw WebDriverError(
                    command: "wait for element \(selector)", error: "timeout", message: "none within \(timeout) on \(url), showing: \(shown)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The element that has the keyboard focus (`document.activeElement`).
    public func activeElement() async throws -> WebDriverElement {
        let value = try await command("GET", "element/active", name: "active element")
        return try WebDriverElement(value, in: self, command: "active element")
    }

    /// Runs `script` (a function body; `arguments[i]` are `arguments`) in the
    /// page and returns what it returns. An element passed in or returned is
    /// a ``WebDriverElement/reference``.
    @discardableResult
    public func executeScript(_ script: String, _ arguments: [WebDriverValue] = []) async throws -> WebDriverValue {
        try await command("POST", "execute/sync", ["script": .string(script), "args": .array(arguments)], name: "execute script")
    }

    /// Presses `keys` on whatever has the focus, as a keyboard would (W3C
    /// actions): each character down and up in turn; ``WebDriverKey/shift``,
    /// ``WebDriverKey/control``, ``WebDriverKey/alt`` and ``WebDriverKey/meta``
    /// stay down until the end, so `shift + tab` is Shift+Tab.
    public func press(_ keys: String) async throws {
        var actions: [WebDriverValue] = []
        var held: [String] = []
        for scalar in keys.unicodeScalars {
            let key = String(scalar)
            if WebDriverKey.modifiers.contains(key) {
                actions.append(["type": "keyDown", "value": .string(key)])
                held.append(key)
            } else {
                actions.append(["type": "keyDown", "value": .string(key)])
                actions.append(["type": "keyUp", "value": .string(key)])
            }
        }
        for key in held.reversed() { actions.append(["type": "keyUp", "value": .string(key)]) }
        let sequence: WebDriverValue = ["type": "key", "id": "keyboard", "actions": .array(actions)]
        try await command("POST", "actions", ["actions": [sequence]], name: "press keys")
        try await command("DELETE", "actions", name: "release keys")
    }

    /// A PNG of the viewport.
    public func screenshot() async throws -> Data {
        let value = try await command("GET", "screenshot", name: "screenshot")
        guard let text = value.string, let png = Data(base64Encoded: text) else {
            throw WebDriverError(command: "GET screenshot (screenshot)", error: "protocol", message: "no base64 PNG")
        }
        return png
    }

    /// Saves a PNG of the viewport as `name`.png in `folder` (created if
    /// needed) and returns the file's path.
    @discardableResult
    public func saveScreenshot(_ name: String, in folder: String) async throws -> String {
        let png = try await screenshot()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("\(name).png")
        try png.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The cookies the browser holds for the page shown (HttpOnly ones too).
    public func cookies() async throws -> [WebDriverCookie] {
        let value = try await command("GET", "cookie", name: "cookies")
        return (value.array ?? []).map(WebDriverCookie.init)
    }

    /// Adds a cookie for the site of the page shown (HttpOnly ones too): a
    /// second browser can join the first one's session with it.
    public func addCookie(_ cookie: WebDriverCookie) async throws {
        var fields: [String: WebDriverValue] = [
            "name": .string(cookie.name), "value": .string(cookie.value), "httpOnly": .bool(cookie.httpOnly), "secure": .bool(cookie.secure),
        ]
        if let path = cookie.path { fields["path"] = .string(path) }
        if let sameSite = cookie.sameSite { fields["sameSite"] = .string(sameSite) }
        try await command("POST", "cookie", ["cookie": .object(fields)], name: "add cookie \(cookie.name)")
    }

    /// Deletes every cookie of the page shown.
    public func deleteCookies() async throws {
        try await command("DELETE", "cookie", name: "delete cookies")
    }

    /// Sets the window's outer size.
    public func setWindowSize(width: Int, height: Int) async throws {
        try await command("POST", "window/rect", ["width": .number(Double(width)), "height": .number(Double(height))], name: "set window size")
    }

    /// Goes back in the history.
    public func back() async throws {
        try await command("POST", "back", name: "back")
    }

    /// Reloads the page.
    public func refresh() async throws {
        try await command("POST", "refresh", name: "refresh")
    }
}

extension Array where Element == WebDriverValue {
    fileprivate var asArray: WebDriverValue { .array(self) }
}
