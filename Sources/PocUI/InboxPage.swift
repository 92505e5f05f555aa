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
        let frame = PageRenderer.Frame.signedIn(t["inbox.title"], context: context, client: client, path: "/inbox", current: "inbox")
        let entries: [InboxEntry]
        do {
            entries = try await client.inbox()
        } catch {
            return state.renderer.notice(
                heading: t["error.relay.title"], body: t["error.relay.body"], detail: error.message, frame: frame,
                language: context.language, status: .serviceUnavailable)
        }
        let pings = (try? await client.pendingPings()) ?? []
        var data = Self.data(entries: entries, pings: pings, catalog: t)
        if let session = context.session { data["csrf"] = session.csrf.text }
        if request.uri.queryParameters["answered"] != nil { data["notice"] = t["pings.answered"] }
        if let error { data["error"] = error }
        return state.renderer.page("inbox", data: data, frame: frame, language: context.language)
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
