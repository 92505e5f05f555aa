import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The Sent page: the messages this POC sent, newest first, each recipient's
/// fetch and receipt with the receipt's signature checked by PocKit against
/// the recipient's key; a filter for what is unreceipted past its window.
///
/// The relay is asked on load, for the messages of the page only and for at
/// most ``refreshTimeout``: the page always comes, from the record when the
/// relay is slow or away. Asking on load rather than behind a button keeps
/// the page true when it is opened (a duty officer looks, not clicks), and
/// it is what every PocKit contact with the relay does anyway: verified
/// receipts are kept in the record, nothing is sent or signed.
struct SentPage {
    let state: UIState
    let client: PocClient

    /// Messages a page (each asks the relay once).
    static let pageSize = 20
    /// How long the page waits for the relay's delivery states.
    static let refreshTimeout = Duration.seconds(3)

    func render(_ request: Request, _ context: UIRequestContext) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(t["sent.title"], context: context, client: client, path: "/sent", current: "sent")
        let query = PageQuery(request)
        let pastWindow = query["filter"] == "past-window"
        let now = Timestamp.now()
        let all: [SentMessage]
        do {
            all = try client.sentMessages(RecordFilter(pastWindow: pastWindow), now: now)
        } catch {
            return state.renderer.notice(
                heading: t["sent.title"], body: t["record.failed"], detail: error.message, frame: frame, language: context.language,
                status: .internalServerError)
        }
        let paging = Paging(count: all.count, requested: query["page"], size: Self.pageSize)
        let (shown, complete) = await client.refreshed(Array(all[paging.range]), timeout: Self.refreshTimeout)
        let filterQuery = pastWindow ? "filter=past-window" : ""
        var data: [String: Any] = [
            "pastWindow": pastWindow, "hasMessages": !shown.isEmpty, "messages": shown.map { Self.message($0, now: now, relayAnswered: complete, t) },
            "count": t.format("sent.count", ["count": String(all.count)]),
            "empty": pastWindow ? t["sent.empty_past_window"] : t["sent.empty"],
            "refreshHref": "/sent" + (filterQuery.isEmpty ? "" : "?" + filterQuery),
            "anyExercise": shown.contains { $0.line.exercise },
        ]
        if !shown.isEmpty {
            if complete {
                data["refreshedAt"] = now.description
                data["refreshedText"] = TimeText.display(now, t)
            } else {
                data["unreached"] = t["sent.relay_unreached"]
            }
        }
        data.merge(
            paging.data(t, area: "sent") { "/sent?" + PageQuery.encode([("filter", pastWindow ? "past-window" : nil), ("page", String($0))]) }
        ) {
            $1
        }
        return state.renderer.page("sent", data: data, frame: frame, language: context.language)
    }

    /// One message's values; `relayAnswered` tells "not fetched yet" from "unknown".
    static func message(_ message: SentMessage, now: Timestamp, relayAnswered: Bool, _ t: Catalog) -> [String: Any] {
        let line = message.line
        var data = RecordBadges.values(urgency: line.urgency, exercise: line.exercise, tlp: line.tlp, t)
        data["id"] = line.id
        data["subject"] = line.subject.isEmpty ? t["sent.no_subject"] : line.subject
        data["typeLabel"] = RecordBadges.typeLabel(line.type, t)
        data["sentAt"] = line.sentAt
        data["sentText"] = TimeText.display(line.sentTime, t)
        if let accepted = line.acceptedTime {
            data["acceptedAt"] = accepted.description
            data["acceptedText"] = TimeText.display(accepted, t)
        }
        data["summary"] = t.format("sent.summary", ["receipted": String(message.receipted), "total": String(message.recipients.count)])
        data["complete"] = message.receipted >= message.recipients.count
        if message.isPastWindow(now: now) { data["late"] = t.format("sent.late", ["window": t["sent.window_\(line.urgency)"]]) }
        data["recipients"] = message.recipients.map { recipient -> [String: Any] in
            var row: [String: Any] = ["id": recipient.pocID.rawValue]
            if let fetched = recipient.fetchedAt {
                row["fetchedAt"] = fetched.description
                row["fetchedText"] = TimeText.display(fetched, t)
            } else {
                row["fetchedNone"] = relayAnswered && line.acceptedTime != nil ? t["sent.fetched_not_yet"] : t["sent.fetched_unknown"]
            }
            if let receipt = recipient.receiptAt {
                row["receiptAt"] = receipt.description
                row["receiptText"] = TimeText.display(receipt, t)
            } else {
                row["receiptNone"] = t["sent.receipt_none"]
            }
            let check: String
            switch recipient.receipt {
            case .verified: check = "verified"
            case .invalid: check = "invalid"
            case .unchecked: check = "unchecked"
            case .none: check = "none"
            }
            row["check"] = check
            row["checkLabel"] = t["sent.check_\(check)"]
            return row
        }
        return data
    }
}
