import Foundation
import Hummingbird
import PocKit
import RelayProtocol
import Sodium

/// The routes of the interface: login, unlock and lock, the language picker,
/// the pages, and the static files.
struct UIRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
        router.get("/") { _, _ in Self.redirect("/inbox") }
        router.get("/login") { request, context in await login(request, context) }
        router.get("/unlock") { request, context in await unlockPage(request, context) }
        router.post("/unlock") { request, context in await unlock(request, context) }
        router.post("/lock") { _, _ in
            await state.vault.lock()
            return Self.redirect("/unlock?locked=1")
        }
        router.post("/language") { _, context in language(context) }
        router.get("/inbox") { request, context in
            guard let client = await state.vault.unlockedClient() else { return Self.redirect("/unlock") }
            return await InboxPage(state: state, client: client).render(request, context)
        }
        router.post("/ping/{id}/answer") { request, context in try await answerPing(request, context) }
        MessageRoutes(state: state).add(to: router)
        ComposeRoutes(state: state).add(to: router)
        SentRoutes(state: state).add(to: router)
        RecordRoutes(state: state).add(to: router)
        DirectoryRoutes(state: state).add(to: router)
        SettingsRoutes(state: state).add(to: router)
        DashboardRoutes(state: state).add(to: router)
        LiveRoutes(state: state).add(to: router)
        router.get("/static/{name}") { _, context in try staticFile(context) }
    }

    /// A 303 to a local path.
    static func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    private func frame(
        _ title: String, _ request: Request, _ context: UIRequestContext, pocID: String? = nil, current: String? = nil
    )
        -> PageRenderer.Frame
    {
        PageRenderer.Frame(title: title, session: context.session, pocID: pocID, path: request.uri.path, current: current)
    }

    /// Exchanges the one-time token for the session cookie, once.
    private func login(_ request: Request, _ context: UIRequestContext) async -> Response {
        if let cookie = request.cookies[SessionGuard.cookieName]?.value, await state.sessions.session(cookie: cookie) != nil {
            return Self.redirect("/inbox")
        }
        guard let token = request.uri.queryParameters["token"], let session = await state.sessions.login(token: token) else {
            return loginNeeded(state: state, language: context.language, path: request.uri.path)
        }
        var response = Self.redirect("/inbox")
        response.setCookie(Cookie(name: SessionGuard.cookieName, value: session.cookie.text, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    private func unlockPage(
        _ request: Request, _ context: UIRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok
    )
        async -> Response
    {
        if error == nil, await state.vault.unlockedClient() != nil { return Self.redirect("/inbox") }
        let t = state.renderer.catalogs[context.language]
        var data: [String: Any] = [
            "idleNote": t.format("unlock.idle", ["minutes": String(Int(state.vault.lockAfter.components.seconds / 60))])
        ]
        if let session = context.session { data["csrf"] = session.csrf.text }
        if let error { data["error"] = error }
        if request.uri.queryParameters["locked"] != nil {
            let agentToo = await state.vault.lastLock == .agentLockedToo
            data["notice"] = t["locked.done"] + (agentToo ? " \(t["settings.lock.agent"])" : "")
        }
        return state.renderer.page(
            "unlock", data: data, frame: frame(t["unlock.title"], request, context), language: context.language, status: status)
    }

    /// The passphrase form. After ``KeyVault/freeAttempts`` wrong passphrases
    /// in a row each attempt must wait (429 with `Retry-After` until then),
    /// and the page says how long in the user's language.
    private func unlock(_ request: Request, _ context: UIRequestContext) async -> Response {
        let t = state.renderer.catalogs[context.language]
        func mustWait(_ wait: Duration, wrong: Bool) async -> Response {
            let seconds = String(KeyVault.seconds(wait))
            let text =
                wrong
                ? t.format("settings.unlock.wrong_wait", ["count": String(await state.vault.wrongAttempts), "seconds": seconds])
                : t.format("settings.unlock.wait", ["seconds": seconds])
            var response = await unlockPage(request, context, error: text, status: .tooManyRequests)
            response.headers[.retryAfter] = seconds
            return response
        }
        if let wait = await state.vault.attemptWait() { return await mustWait(wait, wrong: false) }
        guard let passphrase = context.form?.secret("passphrase"), passphrase.count > 0 else {
            return await unlockPage(request, context, error: t["unlock.wrong"], status: .unprocessableContent)
        }
        do {
            try await state.vault.unlock(passphrase: passphrase)
        } catch {
            if error.status == .noPermission, let wait = await state.vault.attemptWait() { return await mustWait(wait, wrong: true) }
            let message = error.status == .noPermission ? t["unlock.wrong"] : "\(t["unlock.failed"]) \(error.message)"
            return await unlockPage(request, context, error: message, status: .unprocessableContent)
        }
        return Self.redirect("/inbox")
    }

    /// The picker: a `lang` cookie, then back to the page it was on.
    private func language(_ context: UIRequestContext) -> Response {
        let back = context.form?["back"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") && !$0.contains("\\") ? $0 : nil }
        var response = Self.redirect(back ?? "/inbox")
        if let code = context.form?["lang"], let language = UILanguage(rawValue: code) {
            response.setCookie(
                Cookie(name: "lang", value: language.rawValue, maxAge: 365 * 86_400, path: "/", httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// One click answers a pending ping, through PocKit's rule (the relay's
    /// signature checked first; a forged ping is never answered).
    private func answerPing(_ request: Request, _ context: UIRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.count <= 100,
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw HTTPError(.notFound) }
        guard let client = await state.vault.unlockedClient() else { return Self.redirect("/unlock") }
        do {
            _ = try await client.answerPingOnce(id)
        } catch {
            let t = state.renderer.catalogs[context.language]
            return await InboxPage(state: state, client: client).render(request, context, error: "\(t["pings.failed"]) \(error.message)")
        }
        return Self.redirect("/inbox?answered=1")
    }

    private func staticFile(_ context: UIRequestContext) throws -> Response {
        guard let name = context.parameters.get("name"), let file = state.staticFiles[name] else { throw HTTPError(.notFound) }
        return Response(
            status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
