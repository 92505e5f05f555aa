import CommandLineSupport
import Foundation
import HTTPTypes
import Hummingbird
import PocKit
import RelayProtocol

/// The message page and its actions. The page (GET) changes nothing; opening
/// (which sends the signed receipt), responding, the consents, forwarding and
/// saving an attachment are POST forms with the CSRF token (``CSRFGuard``),
/// each through PocKit as the command line does it.
struct MessageRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
        router.get("/message/{id}") { request, context in
            try await withMessage(request, context) { client, id in
                let t = state.renderer.catalogs[context.language]
                var outcome = MessagePage.Outcome()
                if let done = request.uri.queryParameters["done"], Self.doneKeys.contains(String(done)) {
                    outcome.notice = t["message.done.\(done)"] + (request.uri.queryParameters["queued"] != nil ? " \(t["message.queued"])" : "")
                }
                return await MessagePage(state: state, client: client, id: id).render(request, context, outcome: outcome)
            }
        }
        router.post("/message/{id}/open") { request, context in
            try await act(request, context, done: "opened") { client, id in
                _ = try await client.read(id)
                return nil
            }
        }
        router.post("/message/{id}/respond") { request, context in
            try await act(request, context, done: "responded") { client, id in try await respond(client, id, context) }
        }
        router.post("/message/{id}/consent/grant") { request, context in
            try await act(request, context, done: "granted") { client, id in try await client.replyToConsent(id, granted: true) }
        }
        router.post("/message/{id}/consent/deny") { request, context in
            try await act(request, context, done: "denied") { client, id in try await client.replyToConsent(id, granted: false) }
        }
        router.post("/message/{id}/consent/request") { request, context in
            try await act(request, context, done: "requested") { client, id in
                let reason = (context.form?["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !reason.isEmpty else { throw PocError.usage(state.renderer.catalogs[context.language]["share.missing_reason"]) }
                return try await client.requestConsent(id, thirdParty: try thirdParty(context), reason: reason)
            }
        }
        router.post("/message/{id}/forward") { request, context in
            try await act(request, context, done: "forwarded") { client, id in
                try await client.forward(id, to: try thirdParty(context), note: context.form?["note"] ?? "", urgency: nil)
            }
        }
        router.post("/message/{id}/attachment/{index}") { request, context in
            try await withMessage(request, context) { client, id in
                try AttachmentDownload.response(client: client, id: id, index: context.parameters.get("index"))
            }
        }
    }

    /// The `done` values a page may announce.
    static let doneKeys: Set<String> = ["opened", "responded", "granted", "denied", "requested", "forwarded"]

    /// The ETA choices of the acknowledgement form, in seconds, in the list's order;
    /// `other` takes the duration typed beside the list.
    static let etaChoices: KeyValuePairs<String, Int64> = ["4h": 4 * 3600, "24h": 24 * 3600, "48h": 48 * 3600, "72h": 72 * 3600, "7d": 7 * 86_400]

    /// The form fields a refused action shows again as they were typed.
    static let keptFields = ["eta", "eta_other", "lead_agency", "answer", "third_party", "reason", "note"]

    private func withMessage(
        _ request: Request, _ context: UIRequestContext, _ body: (PocClient, MessageID) async throws -> Response
    ) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap({ try? MessageID($0) }) else { throw HTTPError(.notFound) }
        guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
        return try await body(client, id)
    }

    /// Runs one action; on success back to the page with its notice (303),
    /// else the page again with PocKit's reason (a consent refused names who and why).
    private func act(
        _ request: Request, _ context: UIRequestContext, done: String,
        _ action: @escaping (PocClient, MessageID) async throws -> SendOutcome?
    ) async throws -> Response {
        try await withMessage(request, context) { client, id in
            let t = state.renderer.catalogs[context.language]
            do {
                let outcome = try await action(client, id)
                var queued = ""
                if case .queued = outcome { queued = "&queued=1" }
                return UIRoutes.redirect("/message/\(id.rawValue)?done=\(done)\(queued)")
            } catch {
                let failure = error as? PocError ?? PocError("\(error)")
                let text = "\(t["message.failed"]) \(failure.message)" + (failure.hint.map { " (\($0))" } ?? "")
                var kept: [String: String] = [:]
                for name in Self.keptFields { kept[name] = context.form?[name] }
                var response = await MessagePage(state: state, client: client, id: id).render(
                    request, context, outcome: MessagePage.Outcome(error: text, kept: kept))
                if response.status == .ok { response.status = .unprocessableContent }
                return response
            }
        }
    }

    private func respond(_ client: PocClient, _ id: MessageID, _ context: UIRequestContext) async throws(PocError) -> SendOutcome {
        let t = state.renderer.catalogs[context.language]
        let form = context.form
        let lead = form?["lead_agency"].flatMap { $0.isEmpty ? nil : $0 }
        let reply: RFIReply
        switch form?["mode"] {
        case "answer":
            let answer = (form?["answer"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !answer.isEmpty else { throw PocError.usage(t["respond.missing_answer"]) }
            reply = .answer(answer)
        case "acknowledge":
            reply = .acknowledge(etaSeconds: try Self.etaSeconds(choice: form?["eta"] ?? "", typed: form?["eta_other"] ?? "", t))
        default:
            throw PocError.usage(t["respond.missing_mode"])
        }
        return try await client.respond(to: id, with: reply, leadAgency: lead).outcome
    }

    /// The acknowledgement's ETA: a duration typed beside the list (`36h`,
    /// `3d`, read as the command line's `--eta`) wins over the list; `other`
    /// needs one; an empty choice gives none.
    static func etaSeconds(choice: String, typed: String, _ t: Catalog) throws(PocError) -> Int64? {
        let typed = typed.trimmingCharacters(in: .whitespaces)
        if !typed.isEmpty || choice == "other" {
            guard let seconds = HumanDuration.seconds(typed) else { throw PocError.usage(t["respond.eta_not_duration"]) }
            return seconds
        }
        if choice.isEmpty { return nil }
        guard let seconds = etaChoices.first(where: { $0.key == choice })?.value else { throw PocError.usage(t["respond.bad_eta"]) }
        return seconds
    }

    private func thirdParty(_ context: UIRequestContext) throws(PocError) -> POCID {
        let text = (context.form?["third_party"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let id = try? POCID(text) else {
            throw PocError.usage(state.renderer.catalogs[context.language]["share.bad_third_party"])
        }
        return id
    }
}
