import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The compose page and its two followers, the broadcast confirmation and the
/// page that says sent or queued: template values from a ``ComposeDraft``,
/// the verified directory (states, roles, the search) and PocKit's outbox.
struct ComposePage {
    let state: UIState
    let client: PocClient

    /// At most this many search results are listed (and ticked as pick0...).
    static let maximumResults = 50

    /// What is shown above the form.
    struct Outcome {
        var notice: String?
        var error: String?
    }

    /// The form with `draft` in it.
    func render(
        _ request: Request, _ context: UIRequestContext, draft: ComposeDraft, outcome: Outcome = Outcome(),
        status: HTTPResponse.Status = .ok
    ) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(t["compose.title"], context: context, client: client, path: "/compose", current: "compose")
        var data: [String: Any] = [
            "to": draft.to, "query": draft.query, "messageID": draft.messageID, "subject": draft.subject, "body": draft.body, "share": draft.share,
            "exercise": draft.exercise, "rfiDefaultSubject": RFIForm.defaultSubject(RFIFields()) + ": …",
        ]
        if let session = context.session { data["csrf"] = session.csrf.text }
        if let notice = outcome.notice { data["notice"] = notice }
        if let error = outcome.error { data["error"] = error }
        data["types"] = ["message", "notice", "rfi"].map { type in
            ["value": type, "label": t["type.\(type)"], "checked": draft.type == type] as [String: Any]
        }
        data["urgencies"] = [Urgency.flash, .immediate, .priority, .routine].map { urgency in
            ["value": urgency.rawValue, "label": t["urgency.\(urgency.rawValue)"], "selected": draft.urgency == urgency.rawValue]
                as [String: Any]
        }
        data["tlps"] =
            [["value": "", "label": t["compose.tlp_none"], "selected": draft.tlp.isEmpty] as [String: Any]]
            + [TLPLabel.clear, .green, .amber, .amberStrict, .red].map { label in
                ["value": label.rawValue, "label": "TLP:\(label.rawValue)", "selected": draft.tlp == label.rawValue] as [String: Any]
            }
        data["roles"] =
            [["value": "", "label": t["compose.role_any"], "selected": draft.role.isEmpty] as [String: Any]]
            + [Role.diplomatic, .technical, .custodian].map { role in
                ["value": role.rawValue, "label": t["compose.role_\(role.rawValue)"], "selected": draft.role == role.rawValue]
                    as [String: Any]
            }
        data["rfiFields"] = ComposeDraft.rfiFields.map { field -> [String: Any] in
            [
                "name": field.name, "label": t["field.\(field.name)"], "value": draft.rfi[field.name] ?? "",
                "multiline": ["incident_description", "information_requested"].contains(field.name),
            ]
        }
        if !draft.inReplyTo.isEmpty { data["inReplyTo"] = draft.inReplyTo }
        data["kept"] = Self.attachmentRows(draft, t)
        data["hasKept"] = !draft.attachments.isEmpty

        // States, roles and the search come from the verified directory; without
        // the relay the ids still work (sealed to pinned keys, queued).
        if let directory = try? await client.recentVerifiedDirectory() {
            let active = directory.entries.filter { $0.status == .active && $0.pocID != client.me }
            let states = Set(active.map(\.state.rawValue)).union(draft.state.isEmpty ? [] : [draft.state]).sorted()
            data["states"] =
                [["value": "", "label": t["compose.state_any"], "selected": draft.state.isEmpty] as [String: Any]]
                + states.map { ["value": $0, "label": $0, "selected": draft.state == $0] as [String: Any] }
            data["hasStates"] = true
            let query = draft.query.trimmingCharacters(in: .whitespaces)
            if !query.isEmpty {
                let matches = active.filter { Self.matches($0, query, t) }.sorted { $0.pocID.rawValue < $1.pocID.rawValue }
                let chosen = Set(ComposeDraft.split(draft.to))
                data["searched"] = true
                data["results"] = matches.prefix(Self.maximumResults).enumerated().map { index, entry -> [String: Any] in
                    [
                        "index": String(index), "id": entry.pocID.rawValue, "state": entry.state.rawValue,
                        "role": t["compose.role_\(entry.role.rawValue)"], "entity": entry.details.entity,
                        "added": chosen.contains(entry.pocID.rawValue),
                        "pickLabel": t.format("compose.pick", ["id": entry.pocID.rawValue]),
                    ]
                }
                data["hasResults"] = !matches.isEmpty
                if matches.count > Self.maximumResults {
                    data["more"] = t.format("compose.results_more", ["count": String(Self.maximumResults)])
                }
            }
        } else {
            data["state"] = draft.state
            data["directoryUnavailable"] = true
        }

        let outbox = (try? client.outbox()) ?? []
        data["hasOutbox"] = !outbox.isEmpty
        data["outbox"] = outbox.map { item -> [String: Any] in
            var row: [String: Any] = [
                "id": item.id.rawValue, "to": item.to.map(\.rawValue).joined(separator: ", "), "urgency": item.urgency.rawValue,
                "urgencyLabel": t["urgency.\(item.urgency.rawValue)"],
                "subject": (item.inner?.subject).flatMap { $0.isEmpty ? nil : $0 } ?? t["inbox.no_subject"],
            ]
            if let at = item.recordedAt {
                row["sealedAt"] = at.description
                row["sealedText"] = TimeText.display(at, t)
            }
            return row
        }
        return state.renderer.page("compose", data: data, frame: frame, language: context.language, status: status)
    }

    /// The files of a draft as the template lists them (name, size, the kept fields).
    static func attachmentRows(_ draft: ComposeDraft, _ t: Catalog) -> [[String: Any]] {
        draft.attachments.enumerated().map { index, file -> [String: Any] in
            [
                "index": String(index), "name": file.name, "data": file.data.base64EncodedString(), "size": String(file.data.count),
                "mediaType": file.mediaType, "removeLabel": t.format("compose.attachment_remove", ["name": file.name]),
            ]
        }
    }

    /// Whether a directory entry matches a search: its state code, its role (the
    /// word or its name in the interface's language), its entity (or the entity's
    /// English translation), or its POC id, ignoring case and accents.
    static func matches(_ entry: DirectoryEntry, _ query: String, _ t: Catalog) -> Bool {
        let options: String.CompareOptions = [.caseInsensitive, .diacriticInsensitive]
        let haystacks = [
            entry.state.rawValue, entry.role.rawValue, t["compose.role_\(entry.role.rawValue)"], entry.details.entity,
            entry.details.translationEn?.entity ?? "", entry.pocID.rawValue,
        ]
        return query.split(separator: " ").allSatisfy { word in
            haystacks.contains { $0.range(of: String(word), options: options) != nil }
        }
    }

    /// The confirmation of a broadcast: who and how many, every field as hidden inputs, Send and Back.
    func confirm(_ request: Request, _ context: UIRequestContext, draft: ComposeDraft, check: BroadcastCheck) -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(
            t["compose.confirm_title"], context: context, client: client, path: "/compose", current: "compose")
        var data: [String: Any] = [
            "count": Self.count(check, t), "pocCount": String(check.pocCount),
            "send": t.format("compose.confirm_send", ["count": String(check.pocCount)]),
            "hidden": draft.hiddenFields.map { ["name": $0.name, "value": $0.value] },
            "confirmed": check.recipients.map(\.rawValue).sorted().joined(separator: ","),
            "byState": check.byState.map { group -> [String: Any] in
                ["state": group.state.rawValue, "count": String(group.pocs.count), "pocs": group.pocs.map(\.rawValue).joined(separator: ", ")]
            },
            "typeLabel": t["type.\(draft.type)"], "urgency": draft.urgency, "urgencyLabel": t["urgency.\(draft.urgency)"],
            "exercise": draft.exercise, "attachments": Self.attachmentRows(draft, t), "hasAttachments": !draft.attachments.isEmpty,
            "subject": draft.type == "rfi" && draft.subject.trimmingCharacters(in: .whitespaces).isEmpty
                ? RFIForm.defaultSubject(draft.rfiValues) : draft.subject,
        ]
        if !draft.tlp.isEmpty {
            data["tlp"] = draft.tlp
            data["tlpClass"] = draft.tlp.lowercased().replacingOccurrences(of: "+", with: "-")
        }
        if let session = context.session { data["csrf"] = session.csrf.text }
        return state.renderer.page("compose-confirm", data: data, frame: frame, language: context.language)
    }

    /// "Points of contact: 12. States: 3." in the interface's language.
    static func count(_ check: BroadcastCheck, _ t: Catalog) -> String {
        t.format("compose.count", ["pocs": String(check.pocCount), "states": String(check.stateCount)])
    }

    /// After sending: what the record says of message `id` (accepted, with its
    /// time, or waiting in the outbox).
    func done(_ request: Request, _ context: UIRequestContext, id: MessageID) -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(t["compose.done_title"], context: context, client: client, path: "/compose", current: "compose")
        guard let recorded = try? client.recorded(id), recorded.entry.direction == .sent else {
            return state.renderer.notice(
                heading: t["compose.done_title"], body: t["compose.done_unknown"], frame: frame, language: context.language, status: .notFound)
        }
        let inner = recorded.inner
        let queued = ((try? client.outbox()) ?? []).contains { $0.id == id }
        guard queued || recorded.entry.acceptedAt != nil else {
            return state.renderer.notice(
                heading: t["compose.done_refused_title"], body: t["compose.done_refused"], frame: frame, language: context.language,
                status: .notFound)
        }
        var data: [String: Any] = [
            "id": id.rawValue, "queued": queued, "to": inner.to.map(\.rawValue).joined(separator: ", "),
            "count": Self.count(BroadcastCheck(recipients: inner.to, stateOf: { _ in nil }), t),
            "subject": inner.subject.isEmpty ? t["inbox.no_subject"] : inner.subject, "typeLabel": t["type.\(inner.type.rawValue)"],
            "urgency": inner.urgency.rawValue, "urgencyLabel": t["urgency.\(inner.urgency.rawValue)"], "exercise": inner.exercise,
        ]
        if let tlp = inner.tlp {
            data["tlp"] = tlp.rawValue
            data["tlpClass"] = tlp.rawValue.lowercased().replacingOccurrences(of: "+", with: "-")
        }
        if let accepted = recorded.entry.acceptedAt {
            data["acceptedAt"] = accepted.description
            data["acceptedText"] = TimeText.display(accepted, t)
        }
        if let session = context.session { data["csrf"] = session.csrf.text }
        return state.renderer.page(
            "compose-done", data: data,
            frame: PageRenderer.Frame.signedIn(
                queued ? t["compose.done_queued_title"] : t["compose.done_title"], context: context, client: client, path: "/compose",
                current: "compose"), language: context.language)
    }
}
