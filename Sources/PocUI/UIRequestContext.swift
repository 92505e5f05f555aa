public import Hummingbird

/// What the guards learn about a request before its handler runs.
public struct UIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The logged-in session (set by ``SessionGuard``).
    var session: UISession?
    /// The interface language (set by ``LanguageMiddleware``).
    var language: UILanguage = .en
    /// The form of a POST, already checked for its CSRF token (set by ``CSRFGuard``).
    var form: FormFields?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Forms are small (a passphrase, a language) but for a message with
    /// attachments: room for them at a relay's usual limits, and again in base64
    /// on the broadcast confirmation. PocKit's size rule judges the message itself.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }
}
