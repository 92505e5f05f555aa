import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of compose: message, notice or RFI, recipients, the broadcast confirmation, the outbox.
///
/// - `GET /compose` shows the form (`?reply=ID` prefills a reply, `?q=` searches
///   the verified directory, `?to=`, `?state=`, `?role=`, `?type=` prefill) and the outbox.
/// - `POST /compose/send` sends through PocKit as `poc send` and `poc rfi` do;
///   a message for more than one state or more than 10 POCs (``PocKit/BroadcastCheck``)
///   first gets the confirmation page, and goes only when it comes back confirmed
///   for the same recipients. `action=search` and `action=back` show the form again, all kept.
/// - `POST /compose/outbox/send` resubmits the outbox (``PocKit/PocClient/syncOutbox()``).
/// - `GET /compose/sent/ID` says sent (with the relay's acceptance time) or queued.
struct ComposeRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
        router.get("/compose") { request, context in
            guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
            return await form(request, context, client)
        }
        router.post("/compose/send") { request, context in
            guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
            return await send(request, context, client)
        }
        router.post("/compose/outbox/send") { request, context in
            guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
            do throws(PocError) {
                let result = try await client.syncOutbox()
                return UIRoutes.redirect("/compose?outbox_sent=\(result.sent.count)&outbox_waiting=\(result.waiting)")
            } catch {
                let t = state.renderer.catalogs[context.language]
                return await ComposePage(state: state, client: client).render(
                    request, context, draft: ComposeDraft(), outcome: .init(error: "\(t["compose.outbox_failed"]) \(error.message)"),
                    status: .serviceUnavailable)
            }
        }
        router.get("/compose/sent/{id}") { request, context in
            guard let id = context.parameters.get("id").flatMap({ try? MessageID($0) }) else { throw HTTPError(.notFound) }
            guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
            return ComposePage(state: state, client: client).done(request, context, id: id)
        }
    }

    /// The form: empty, prefilled from the query, or a reply.
    private func form(_ request: Request, _ context: UIRequestContext, _ client: PocClient) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let query = request.uri.queryParameters
        // Read as a form reads its body, so that `+` is a space as browsers send it in a GET form.
        let fields = Array((request.uri.query ?? "").utf8).withUnsafeBytes { FormFields(body: $0) }
        var draft = ComposeDraft { name in ["to", "state", "role", "type", "q"].contains(name) ? fields[name] : nil }
        var outcome = ComposePage.Outcome()
        if let sent = query["outbox_sent"].flatMap({ Int($0) }), let waiting = query["outbox_waiting"].flatMap({ Int($0) }) {
            outcome.notice = t.format("compose.outbox_done", ["sent": String(sent), "waiting": String(waiting)])
        }
        var status = HTTPResponse.Status.ok
        if let reply = query["reply"] {
            guard let id = try? MessageID(String(reply)) else {
                return await ComposePage(state: state, client: client).render(
                    request, context, draft: draft, outcome: .init(error: t["compose.error.reply"]), status: .notFound)
            }
            do {
                let defaults = try client.replyDefaults(to: id)
                draft.to = defaults.to.rawValue
                draft.subject = defaults.subject
                draft.urgency = defaults.urgency.rawValue
                draft.tlp = defaults.tlp?.rawValue ?? ""
                draft.exercise = defaults.exercise
                draft.inReplyTo = id.rawValue
            } catch {
                outcome.error = "\(t["compose.error.reply_unknown"]) \(error.message)"
                status = .notFound
            }
        }
        return await ComposePage(state: state, client: client).render(request, context, draft: draft, outcome: outcome, status: status)
    }

    /// Sends the posted draft, or shows the confirmation, or the form again.
    private func send(_ request: Request, _ context: UIRequestContext, _ client: PocClient) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let page = ComposePage(state: state, client: client)
        var draft = ComposeDraft({ context.form?[$0] }, files: context.form?.files("attachment") ?? [])
        switch context.form?["action"] {
        case "back", "search": return await page.render(request, context, draft: draft)
        default: break
        }
        func refused(_ text: String) async -> Response {
            await page.render(request, context, draft: draft, outcome: .init(error: "\(t["compose.failed"]) \(text)"), status: .unprocessableContent)
        }
        if let id = try? MessageID(draft.messageID), let recorded = try? client.recorded(id) {
            // This form was sent already (a second click, or Back in the browser and Send again): its page.
            let queued = ((try? client.outbox()) ?? []).contains { $0.id == id }
            if recorded.entry.direction == .sent && (recorded.entry.acceptedAt != nil || queued) {
                return UIRoutes.redirect("/compose/sent/\(id.rawValue)")
            }
            // The id of a message received, or of one the relay refused: never reused.
            draft.messageID = MessageID.random().rawValue
        }
        let checked: ComposeDraft.Checked
        switch draft.checked(t) {
        case .success(let value): checked = value
        case .failure(let error): return await refused(error.text)
        }
        do throws(PocError) {
            var recipients = checked.ids
            if recipients.isEmpty {
                let directory = try await client.verifiedDirectory()
                recipients = try client.recipients(to: [], state: checked.state, role: checked.role, in: directory)
            }
            let check = try await client.broadcastCheck(recipients)
            // Confirmed for exactly these recipients, or shown (again) for them.
            if check.requiresConfirmation && draft.confirmed != recipients.map(\.rawValue).sorted().joined(separator: ",") {
                return page.confirm(request, context, draft: draft, check: check)
            }
            let message = try draft.message(checked, from: client.me, to: recipients)
            let outcome = try await client.send(message)
            if case .accepted = outcome { await client.refreshDeliveries() }  // best effort, as the CLI: earlier receipts reach the record
            return UIRoutes.redirect("/compose/sent/\(message.id.rawValue)")
        } catch {
            return await refused(error.message + (error.hint.map { " (\($0))" } ?? ""))
        }
    }
}
