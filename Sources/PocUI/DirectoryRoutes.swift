import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of the directory: search, entries, grouped fingerprints, the verify flow.
///
/// `GET /directory` is the verified directory (the relay's signature and every
/// key certificate checked by PocKit) with a search form that works without
/// JavaScript; `GET /directory/ID` one entry; `POST /directory/ID/verify`
/// records its fingerprint as checked out of band, as `poc trust` does.
struct DirectoryRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
        router.get("/directory") { request, context in await list(request, context) }
        router.get("/directory/{id}") { request, context in
            try await withEntry(request, context) { client, id in
                let t = state.renderer.catalogs[context.language]
                let notice = request.uri.queryParameters["verified"] != nil ? t["directory.verify.done"] : nil
                return await entryPage(request, context, client: client, id: id, notice: notice)
            }
        }
        router.post("/directory/{id}/verify") { request, context in
            try await withEntry(request, context) { client, id in await verify(request, context, client: client, id: id) }
        }
    }

    private func list(_ request: Request, _ context: UIRequestContext) async -> Response {
        guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(t["directory.title"], context: context, client: client, path: "/directory", current: "directory")
        // Verified afresh, as every page that shows trust: signatures checked once
        // are not checked again, so this costs about the fetch (PocKit's DirectoryCheck).
        let directory: VerifiedDirectory
        do { directory = try await client.verifiedDirectory() } catch {
            return relayFailure(error, frame: frame, context: context)
        }
        // Read as a form (`+` is a space, as browsers send a GET form), not as URI parameters.
        let fields = Array((request.uri.query ?? "").utf8).withUnsafeBytes { FormFields(body: $0) }
        let (form, query) = DirectoryPage.read({ fields[$0] }, t)
        let page = DirectoryPage(catalog: t, language: context.language)
        switch query {
        case .success(let query):
            let data = page.list(directory: directory, form: form, entries: directory.search(query), requestedPage: fields["page"])
            return state.renderer.page("directory", data: data, frame: frame, language: context.language)
        case .failure(let error):
            var data = page.list(directory: directory, form: form, entries: nil)
            data["error"] = error.message
            return state.renderer.page("directory", data: data, frame: frame, language: context.language, status: .unprocessableContent)
        }
    }

    private func withEntry(
        _ request: Request, _ context: UIRequestContext, _ body: (PocClient, POCID) async throws -> Response
    ) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap({ try? POCID($0) }) else { throw HTTPError(.notFound) }
        guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
        return try await body(client, id)
    }

    /// The entry page, with a notice, or an error and what the user typed.
    private func entryPage(
        _ request: Request, _ context: UIRequestContext, client: PocClient, id: POCID, notice: String? = nil, error: String? = nil,
        typed: String = "", confirmed: Bool = false
    ) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(
            t["directory.entry.title"], context: context, client: client, path: request.uri.path, current: "directory")
        let directory: VerifiedDirectory
        do { directory = try await client.verifiedDirectory() } catch {
            return relayFailure(error, frame: frame, context: context)
        }
        guard let entry = directory.entry(id) else {
            return state.renderer.notice(
                heading: t["directory.entry.title"], body: t["directory.entry.unknown"], frame: frame, language: context.language,
                status: .notFound)
        }
        var data = DirectoryPage(catalog: t, language: context.language).entry(entry, directory: directory, me: client.me)
        if let session = context.session { data["csrf"] = session.csrf.text }
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        data["typed"] = typed
        data["confirmed"] = confirmed
        return state.renderer.page(
            "directory-entry", data: data, frame: frame, language: context.language, status: error == nil ? .ok : .unprocessableContent)
    }

    /// Records the fingerprint typed as the other POC read it aloud, through
    /// PocKit's `trust` (the relay's current key must show that fingerprint).
    /// A changed identity key also needs the box saying the POC confirmed
    /// that it replaced its key.
    private func verify(_ request: Request, _ context: UIRequestContext, client: PocClient, id: POCID) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let typed = (context.form?["fingerprint"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let confirmed = context.form?["confirm_change"] == "1"
        func refused(_ text: String) async -> Response {
            await entryPage(request, context, client: client, id: id, error: text, typed: typed, confirmed: confirmed)
        }
        guard !typed.isEmpty else { return await refused(t["directory.verify.missing"]) }
        if !confirmed, let directory = try? await client.verifiedDirectory(), case .identityChanged = directory.verdicts[id] {
            return await refused(t["directory.verify.confirm_needed"])
        }
        do {
            _ = try await client.trust(id, fingerprint: typed)
            client.forgetRecentDirectory()
        } catch {
            let lead = error.status == .dataError ? t["directory.verify.mismatch"] : t["directory.verify.failed"]
            return await refused("\(lead) \(error.message)")
        }
        return UIRoutes.redirect("/directory/\(id.rawValue)?verified=1")
    }

    private func relayFailure(_ error: PocError, frame: PageRenderer.Frame, context: UIRequestContext) -> Response {
        let t = state.renderer.catalogs[context.language]
        return state.renderer.notice(
            heading: t["error.relay.title"], body: t["directory.relay"], detail: error.message, frame: frame, language: context.language,
            status: error.status == .dataError ? .badGateway : .serviceUnavailable)
    }
}
