/// The browser's session after the one-time login: its cookie and its CSRF token.
struct UISession: Sendable {
    /// The value of the `poc_session` cookie.
    let cookie: SecretToken
    /// The token every POST, PUT and DELETE must carry (`csrf` field or `X-CSRF-Token`).
    let csrf: SecretToken
}

/// The one login of a `poc ui` run: a one-time token exchanged once for a
/// session. There is never more than one session, so a cookie is checked by
/// one constant-time comparison, never a lookup.
actor UISessions {
    private var loginToken: SecretToken?
    private var session: UISession?
    private var onLogin: @Sendable () -> Void = {}

    /// Creates the login token (printed in the URL).
    init() { loginToken = SecretToken() }

    /// Sets what runs once the login token is used (`poc ui` removes the page that carried it).
    func whenLoggedIn(_ action: @escaping @Sendable () -> Void) { onLogin = action }

    /// The token to print, once, before anyone logged in.
    func tokenForURL() -> String? { loginToken?.text }

    /// Exchanges the login token for the session; the token then dies.
    /// - Returns: The new session, or `nil` for a wrong or used token.
    func login(token: some StringProtocol) -> UISession? {
        guard let loginToken, loginToken.matches(token) else { return nil }
        self.loginToken = nil
        let created = UISession(cookie: SecretToken(), csrf: SecretToken())
        session = created
        onLogin()
        return created
    }

    /// The session whose cookie is `cookie`, if it is the one.
    func session(cookie: some StringProtocol) -> UISession? {
        guard let session, session.cookie.matches(cookie) else { return nil }
        return session
    }
}
