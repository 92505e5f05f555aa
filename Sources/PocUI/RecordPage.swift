import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The record page: `poc log` in the browser. A search by text (subject,
/// POC id), peer, since date and type, newest first, a page at a time; each
/// received message links to its message page; the exports of `poc log
/// export` of the current search.
struct RecordPage {
    let state: UIState
    let client: PocClient

    /// Messages a page.
    static let pageSize = 50

    /// The search of a request, or the catalog key of what is wrong with it.
    struct Search {
        var text: String?
        var peer: String?
        var since: String?
        var type: String?
        var page: String?

        init(_ query: PageQuery) {
            text = query["q"]
            peer = query["peer"]
            since = query["since"]
            type = query["type"]
            page = query["page"]
        }

        /// PocKit's filter, or the catalog key of the first bad field.
        func filter() -> Result<RecordFilter, SearchError> {
            var filter = RecordFilter(text: text)
            if let peer {
                guard let id = try? POCID(peer.uppercased()) else { return .failure(SearchError(key: "record.bad_peer")) }
                filter.peer = id
            }
            if let since {
                // A date (the date control's value) or a time: the command line's durations are not offered here.
                guard let cutoff = try? RecordFilter.cutoff(since: since) else { return .failure(SearchError(key: "record.bad_since")) }
                filter.since = cutoff
            }
            if let type {
                guard let messageType = MessageType(rawValue: type) else { return .failure(SearchError(key: "record.bad_type")) }
                filter.type = messageType
            }
            return .success(filter)
        }

        /// The query of this search (without the page), for links.
        var query: String { PageQuery.encode([("q", text), ("peer", peer), ("since", since), ("type", type)]) }
    }

    /// What is wrong with a search: a catalog key.
    struct SearchError: Error {
        let key: String
    }

    /// The page for `search`; `error` (already translated) shown above it with status 422.
    func render(_ request: Request, _ context: UIRequestContext, search: Search, error: String? = nil) -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(t["record.title"], context: context, client: client, path: "/record", current: "record")
        var data = formData(search, t)
        var problem = error
        var lines: [LogLine] = []
        switch search.filter() {
        case .failure(let failure): problem = problem ?? t[failure.key]
        case .success(let filter):
            do { lines = try client.logLines(filter) } catch { problem = "\(t["record.failed"]) \(error.message)" }
        }
        if let problem {
            data["error"] = problem
            return state.renderer.page("record", data: data, frame: frame, language: context.language, status: .unprocessableContent)
        }
        let paging = Paging(count: lines.count, requested: search.page, size: Self.pageSize)
        let newest = lines.reversed()
        let shown = newest.dropFirst(paging.range.lowerBound).prefix(paging.range.count)
        data["rows"] = shown.map { Self.row($0, t) }
        data["hasRows"] = !shown.isEmpty
        data["anyExercise"] = shown.contains { $0.exercise }
        data["count"] = t.format("record.count", ["count": String(lines.count)])
        data["empty"] = search.query.isEmpty ? t["record.empty_all"] : t["record.empty"]
        let query = search.query
        data["exports"] = RecordExport.Format.allCases.map { format in
            [
                "href": "/record/export?" + PageQuery.encode([("format", format.rawValue)]) + (query.isEmpty ? "" : "&" + query),
                "label": t["record.export.\(format.rawValue)"], "format": format.rawValue,
            ]
        }
        data.merge(paging.data(t, area: "record") { "/record?" + PageQuery.encode([("page", String($0))]) + (query.isEmpty ? "" : "&" + query) }) {
            $1
        }
        return state.renderer.page("record", data: data, frame: frame, language: context.language)
    }

    /// The search form's values, as the user typed them.
    private func formData(_ search: Search, _ t: Catalog) -> [String: Any] {
        let types: [MessageType] = [.message, .rfi, .rfiResponse, .notice, .consentRequest, .consentReply, .forward]
        return [
            "q": search.text ?? "", "peer": search.peer ?? "", "since": search.since ?? "",
            "types": types.map { type -> [String: Any] in
                ["value": type.rawValue, "label": RecordBadges.typeLabel(type.rawValue, t), "selected": search.type == type.rawValue]
            },
        ]
    }

    /// One table row.
    static func row(_ line: LogLine, _ t: Catalog) -> [String: Any] {
        var row = RecordBadges.values(urgency: line.urgency, exercise: line.exercise, tlp: line.tlp, t)
        row["id"] = line.id
        row["sentAt"] = line.sentAt
        row["sentText"] = TimeText.display(line.sentTime, t)
        row["sent"] = line.isSent
        row["directionLabel"] = line.isSent ? t["record.dir_sent"] : t["record.dir_received"]
        row["typeLabel"] = RecordBadges.typeLabel(line.type, t)
        row["from"] = line.from
        row["to"] = line.to
        row["subject"] = line.subject.isEmpty ? t["record.no_subject"] : line.subject
        if let receipted = line.receipted {
            row["delivery"] = t.format("record.delivery", ["receipted": String(receipted), "total": String(line.recipientCount)])
            row["deliveryComplete"] = receipted >= line.recipientCount
        }
        return row
    }
}
