/// The W3C WebDriver key codes (private-use characters) for keys without a
/// character of their own, to put in ``WebDriverElement/sendKeys(_:)`` or
/// ``WebDriver/press(_:)`` text.
public enum WebDriverKey {
    public static let null = "\u{E000}"
    public static let backspace = "\u{E003}"
    public static let tab = "\u{E004}"
    public static let enter = "\u{E007}"
    public static let shift = "\u{E008}"
    public static let control = "\u{E009}"
    public static let alt = "\u{E00A}"
    public static let escape = "\u{E00C}"
    public static let space = "\u{E00D}"
    public static let pageUp = "\u{E00E}"
    public static let pageDown = "\u{E00F}"
    public static let end = "\u{E010}"
    public static let home = "\u{E011}"
    public static let arrowLeft = "\u{E012}"
    public static let arrowUp = "\u{E013}"
    public static let arrowRight = "\u{E014}"
    public static let arrowDown = "\u{E015}"
    public static let delete = "\u{E017}"
    public static let meta = "\u{E03D}"

    /// The keys ``WebDriver/press(_:)`` holds down until the end.
    static let modifiers: Set<String> = [shift, control, alt, meta]
}
