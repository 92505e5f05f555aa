import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The inbox: pending pings at the top, then the waiting messages, most urgent
/// first, each with its urgency as a word and a colour, EXERCISE on exercise
/// items, and its TLP label; messages refused by the checks apart below.
struct InboxPage {
    let state: UIState
    let client: PocClient

    /// The page, with an optional notice (a ping answered) or error above the list.
    func render(_ request: Request, _ context: UIRequestContext, error: String? = nil) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let entries: [InboxEntry]
        do {
            entries = try await client.inbox()
        } catch {
            return state.renderer.notice(
                heading: t["error.relay.title"], body: t["error.relay.body"], detail: error.message, frame: frame(context),
                language: context.language, status: .serviceUnavailable)
        }
        let pings = (try? await client.pendingPings()) ?? []
        let notice = request.uri.queryParameters["answered"] != nil ? t["pings.answered"] : nil
        return page(entries: entries, pings: pings, context: context, notice: notice, error: error)
    }

    /// The page over messages and pings already fetched (by ``render(_:_:error:)``,
    /// or by the live inbox's long poll, which sends its live part).
    func page(
        entries: [InboxEntry], pings: [PendingPing], context: UIRequestContext, notice: String? = nil, error: String? = nil
    ) -> Response {
        var data = Self.data(entries: entries, pings: pings, catalog: state.renderer.catalogs[context.language])
        if let session = context.session { data["csrf"] = session.csrf.text }
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        return state.renderer.page("inbox", data: data, frame: frame(context), language: context.language)
    }

    private func frame(_ context: UIRequestContext) -> PageRenderer.Frame {
        let t = state.renderer.catalogs[context.language]
        return PageRenderer.Frame.signedIn(t["inbox.title"], context: context, client: client, path: "/inbox", current: "inbox")
    }

    /// The template's values.
    static func data(entries: [InboxEntry], pings: [PendingPing], catalog t: Catalog) -> [String: Any] {
        var opened: [(inner: InnerMessage, acceptedAt: Timestamp)] = []
        var rejected: [[String: Any]] = []
        for entry in entries {
            switch entry {
            case .opened(let message, let acceptedAt): opened.append((message.inner, acceptedAt))
            case .rejected(let id, let from, let reason): rejected.append(["id": id.rawValue, "from": from.rawValue, "reason": reason])
            }
        }
        opened.sort { ($0.inner.urgency.rank, $0.acceptedAt) < ($1.inner.urgency.rank, $1.acceptedAt) }
        let messages: [[String: Any]] = opened.map { inner, acceptedAt in
            var row: [String: Any] = [
                "id": inner.id.rawValue, "from": inner.from.rawValue, "urgency": inner.urgency.rawValue,
                "urgencyLabel": t["urgency.\(inner.urgency.rawValue)"], "exercise": inner.exercise,
                "subject": inner.subject.isEmpty ? t["inbox.no_subject"] : inner.subject,
                "typeLabel": t["type.\(inner.type.rawValue.replacingOccurrences(of: "-", with: "_"))"],
                "acceptedAt": acceptedAt.description, "acceptedText": TimeText.display(acceptedAt, t),
            ]
            if let tlp = inner.tlp {
                row["tlp"] = tlp.rawValue
                row["tlpClass"] = tlp.rawValue.lowercased().replacingOccurrences(of: "+", with: "-")
            }
            return row
        }
        var urgent: [String] = []
        for urgency in [Urgency.flash, .immediate] {
            let count = opened.filter { $0.inner.urgency == urgency }.count
            if count > 0 { urgent.append("\(count) \(t["urgency.\(urgency.rawValue)"])") }
        }
        var data: [String: Any] = [
            "hasPings": !pings.isEmpty, "hasMessages": !messages.isEmpty, "hasRejected": !rejected.isEmpty,
            "messageCount": String(messages.count), "messages": messages, "rejected": rejected,
            "anyExercise": opened.contains { $0.inner.exercise },
            "pings": pings.map { pending -> [String: Any] in
                [
                    "id": pending.ping.pingID, "genuine": pending.genuine, "deadline": pending.ping.deadline.description,
                    "deadlineText": TimeText.display(pending.ping.deadline, t),
                ]
            },
        ]
        if !urgent.isEmpty { data["urgentSummary"] = urgent.joined(separator: " · ") }
        return data
    }
}
