/// A cookie as the browser holds it (``WebDriver/cookies()``).
public struct WebDriverCookie: Sendable, Hashable {
    public let name: String
    public let value: String
    public let path: String?
    public let domain: String?
    public let httpOnly: Bool
    public let secure: Bool
    /// `Strict`, `Lax` or `None`, as the browser reports it.
    public let sameSite: String?

    init(_ json: WebDriverValue) {
        name = json["name"].string ?? ""
        value = json["value"].string ?? ""
        path = json["path"].string
        domain = json["domain"].string
        httpOnly = json["httpOnly"].bool ?? false
        secure = json["secure"].bool ?? false
        sameSite = json["sameSite"].string
    }
}
