import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The message page: a message not opened yet shows what the inbox knows and
/// an Open button (opening sends the signed receipt, so it is a POST); an
/// opened one shows everything `poc read` shows, from the record, with the
/// sender's key trust, the template's fields, the attachments and the actions.
struct MessagePage {
    let state: UIState
    let client: PocClient
    let id: MessageID

    /// A notice or error shown above the message.
    struct Outcome {
        var notice: String?
        var error: String?
        /// What the user typed in the refused form, shown again (field name to value).
        var kept: [String: String] = [:]
    }

    func render(_ request: Request, _ context: UIRequestContext, outcome: Outcome = Outcome()) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(t["message.title"], context: context, client: client, path: request.uri.path, current: "inbox")
        var data: [String: Any] = ["id": id.rawValue]
        if let session = context.session { data["csrf"] = session.csrf.text }
        if let notice = outcome.notice { data["notice"] = notice }
        if let error = outcome.error { data["error"] = error }
        data["kept"] = outcome.kept
        let chosen = outcome.kept["eta"] ?? "24h"
        data["etaOptions"] =
            [["value": "", "label": t["eta.none"], "selected": chosen.isEmpty]]
            + MessageRoutes.etaChoices.map { ["value": $0.key, "label": t["eta.\($0.key)"], "selected": chosen == $0.key] }
            + [["value": "other", "label": t["eta.other"], "selected": chosen == "other"]]
        let directory: VerifiedDirectory
        do { directory = try await client.verifiedDirectory() } catch {
            return state.renderer.notice(
                heading: t["error.relay.title"], body: t["message.relay"], detail: error.message, backLink: true, frame: frame,
                language: context.language, status: .serviceUnavailable)
        }
        if let recorded = try? client.recorded(id), recorded.entry.direction == .received, recorded.entry.receiptSent {
            let message: PocClient.ReadMessage
            do { message = try await client.read(id, verified: directory) } catch {
                return state.renderer.notice(
                    heading: t["message.title"], body: t["message.unreadable"], detail: error.message, backLink: true, frame: frame,
                    language: context.language, status: .unprocessableContent)
            }
            data.merge(MessageView(catalog: t, client: client, directory: directory).data(message.inner, acceptedAt: message.acceptedAt)) {
                $1
            }
            data["opened"] = true
            return state.renderer.page("message", data: data, frame: frame, language: context.language)
        }
        // Not opened yet: what the inbox listing shows, and the Open button.
        let entries: [InboxEntry]
        do { entries = try await client.inbox() } catch {
            return state.renderer.notice(
                heading: t["error.relay.title"], body: t["message.relay"], detail: error.message, backLink: true, frame: frame,
                language: context.language, status: .serviceUnavailable)
        }
        for entry in entries {
            if case .opened(let opened, let acceptedAt) = entry, opened.inner.id == id {
                data.merge(MessageView(catalog: t, client: client, directory: directory).summary(opened.inner, acceptedAt: acceptedAt)) {
                    $1
                }
                data["waiting"] = true
                return state.renderer.page("message", data: data, frame: frame, language: context.language)
            }
            if case .rejected(let rejectedID, _, let reason) = entry, rejectedID == id {
                return state.renderer.notice(
                    heading: t["inbox.rejected.title"], body: t["inbox.rejected.body"], detail: reason, backLink: true, frame: frame,
                    language: context.language, status: .unprocessableContent)
            }
        }
        return state.renderer.notice(
            heading: t["message.title"], body: t["message.unknown"], backLink: true, frame: frame, language: context.language,
            status: .notFound)
    }
}
