/// An element of the page a ``WebDriver`` shows (a W3C web element reference).
public struct WebDriverElement: Sendable, CustomStringConvertible {
    /// The W3C key of an element reference in JSON.
    public static let referenceKey = "element-6066-11e4-a52e-4f735466cecf"

    /// The driver's id of the element.
    public let id: String
    /// The session it belongs to.
    public let browser: WebDriver

    init(_ value: WebDriverValue, in browser: WebDriver, command: String) throws(WebDriverError) {
        guard let id = value[Self.referenceKey].string else {
            throw WebDriverError(command: command, error: "protocol", message: "not an element reference: \(value)")
        }
        self.id = id
        self.browser = browser
    }

    /// The element as a script argument (`arguments[i]` in ``WebDriver/executeScript(_:_:)``).
    public var reference: WebDriverValue { [Self.referenceKey: .string(id)] }

    public var description: String { "element \(id)" }

    private func command(
        _ method: String, _ path: String, _ body: WebDriverValue? = nil, name: String
    ) async throws(WebDriverError)
        -> WebDriverValue
    {
        try await browser.command(method, "element/\(id)/\(path)", body, name: name)
    }

    /// Its rendered text (what a reader sees, CSS applied).
    public func text() async throws -> String {
        try await command("GET", "text", name: "element text").string ?? ""
    }

    /// Its tag name, lowercase.
    public func tagName() async throws -> String {
        try await command("GET", "name", name: "element tag name").string?.lowercased() ?? ""
    }

    /// The attribute `name` (`nil` when it has none).
    public func attribute(_ name: String) async throws -> String? {
        try await command("GET", "attribute/\(name)", name: "element attribute \(name)").string
    }

    /// The DOM property `name` (e.g. `value` of an input as typed).
    public func property(_ name: String) async throws -> WebDriverValue {
        try await command("GET", "property/\(name)", name: "element property \(name)")
    }

    /// Whether it is displayed.
    public func isDisplayed() async throws -> Bool {
        try await command("GET", "displayed", name: "element displayed").bool ?? false
    }

    /// Clicks it (scrolled into view first; fails if something covers it).
    public func click() async throws {
        _ = try await command("POST", "click", name: "element click")
    }

    /// Empties an input or text area.
    public func clear() async throws {
        _ = try await command("POST", "clear", name: "element clear")
    }

    /// Types `text` into it after focusing it; ``WebDriverKey`` characters
    /// press those keys (Tab, Enter…).
    public func sendKeys(_ text: String) async throws {
        _ = try await command("POST", "value", ["text": .string(text)], name: "element send keys")
    }

    /// The first element inside this one matching the CSS `selector`.
    public func findElement(_ selector: String) async throws -> WebDriverElement {
        let value = try await command(
            "POST", "element", ["using": "css selector", "value": .string(selector)], name: "find element \(selector) within")
        return try WebDriverElement(value, in: browser, command: "find element \(selector) within")
    }

    /// Whether this and `other` are the same node of the page.
    public func isSame(as other: WebDriverElement) async throws -> Bool {
        try await browser.executeScript("return arguments[0] === arguments[1];", [reference, other.reference]).bool ?? false
    }
}
