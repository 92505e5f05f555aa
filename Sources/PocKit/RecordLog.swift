import Foundation
public import RelayProtocol

/// One recorded message as `poc log` lists it and `poc log export` writes it,
/// and as the web interface's record page shows it: the same lines for both.
public struct LogLine: Encodable, Sendable {
    public let id: String
    public let direction: String
    public let from: String
    public let to: [String]
    public let urgency: String
    public let exercise: Bool
    public let type: String
    public let subject: String
    public let body: String
    public let sentAt: String
    public let acceptedAt: String?
    public let consentToShare: Bool
    public let inReplyTo: String?
    /// The Traffic Light Protocol label, if the sender set one.
    public let tlp: String?
    /// For a sent message: how many recipients' verified receipts the record holds.
    public internal(set) var receipted: Int?
    /// The sending time, for sorting.
    public let sentTime: Timestamp
    /// When the relay accepted it, for the receipt window.
    public let acceptedTime: Timestamp?
    enum CodingKeys: String, CodingKey {
        case id, direction, from, to, urgency, exercise, type, subject, body, sentAt = "sent_at", acceptedAt = "accepted_at"
        case consentToShare = "consent_to_share", inReplyTo = "in_reply_to", tlp, receipted
    }

    /// True for a message this POC sent.
    public var isSent: Bool { direction == RecordedMessage.Direction.sent.rawValue }

    /// How many distinct recipients the message has.
    public var recipientCount: Int { Set(to).count }

    /// "2/3 receipted" for a sent message, "-" for a received one.
    public var delivery: String { receipted.map { DeliverySummary(receipted: $0, recipients: recipientCount).text } ?? "-" }

    /// The line of a recorded message.
    /// - Throws: ``PocError`` when the recorded inner message does not parse.
    public init(_ entry: RecordedMessage) throws(PocError) {
        let inner = try entry.inner
        id = inner.id.rawValue
        direction = entry.direction.rawValue
        from = inner.from.rawValue
        to = inner.to.map(\.rawValue)
        urgency = inner.urgency.rawValue
        exercise = inner.exercise
        type = inner.type.rawValue
        subject = inner.subject
        body = inner.body
        sentAt = inner.sentAt.description
        acceptedAt = entry.acceptedAt?.description
        consentToShare = inner.consentToShare
        inReplyTo = inner.inReplyTo?.rawValue
        tlp = inner.tlp?.rawValue
        sentTime = inner.sentAt
        acceptedTime = entry.acceptedAt
    }
}

/// Which recorded messages to list: the filters of `poc log` and of the web
/// interface's record and sent pages, applied by one ``matches(_:now:)``.
public struct RecordFilter: Sendable, Equatable {
    /// Only messages sent at or after this time.
    public var since: Timestamp?
    /// Only messages from or to this POC.
    public var peer: POCID?
    /// Only messages whose subject or a peer id contains this text (case and diacritics ignored).
    public var text: String?
    /// Only messages of this type.
    public var type: MessageType?
    /// Only sent (or only received) messages.
    public var direction: RecordedMessage.Direction?
    /// Only sent messages still missing a recipient's receipt.
    public var unreceipted = false
    /// Only sent messages missing a receipt after their urgency's receipt window (``ReceiptWindow``).
    public var pastWindow = false

    /// No filter: every message.
    public init(
        since: Timestamp? = nil, peer: POCID? = nil, text: String? = nil, type: MessageType? = nil,
        direction: RecordedMessage.Direction? = nil, unreceipted: Bool = false, pastWindow: Bool = false
    ) {
        self.since = since
        self.peer = peer
        self.text = text
        self.type = type
        self.direction = direction
        self.unreceipted = unreceipted
        self.pastWindow = pastWindow
    }

    /// The time a `--since` value names: a date (`2026-11-22`, midnight UTC),
    /// a time (`2026-11-22T10:00:00Z`), or a duration before `now` when
    /// `duration` reads it (the command line's `7d`).
    /// - Throws: ``PocError/usage(_:hint:)`` for anything else.
    public static func cutoff(
        since text: String, now: Timestamp = .now(), duration: (String) -> Int64? = { _ in nil }
    ) throws(PocError)
        -> Timestamp
    {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let seconds = duration(text) { return now.adding(seconds: -seconds) }
        if let time = try? Timestamp(parsing: text.count == 10 ? text + "T00:00:00Z" : text) { return time }
        throw PocError.usage("--since takes a date (2026-11-22), a time (2026-11-22T10:00:00Z) or a duration (7d)")
    }

    /// Whether `line` passes every filter set.
    public func matches(_ line: LogLine, now: Timestamp = .now()) -> Bool {
        matches(line, searchKey: Self.searchKey(of: line), foldedText: foldedText, now: now)
    }

    /// The searched text of a line: its subject and peer ids, folded (``fold(_:)``).
    static func searchKey(of line: LogLine) -> String {
        fold(([line.subject, line.from] + line.to).joined(separator: "\n"))
    }

    /// `text` without case and diacritics, as the search compares it.
    static func fold(_ text: String) -> String { text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }

    /// The searched text, trimmed and folded; nil when there is none.
    var foldedText: String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return Self.fold(text)
    }

    /// Whether `line`, whose folded ``searchKey(of:)`` is `searchKey`, passes
    /// every filter set (`foldedText` is ``foldedText``, folded once for a whole listing).
    func matches(_ line: LogLine, searchKey: @autoclosure () -> String, foldedText: String?, now: Timestamp) -> Bool {
        if let since, line.sentTime < since { return false }
        if let peer, line.from != peer.rawValue, !line.to.contains(peer.rawValue) { return false }
        if let type, line.type != type.rawValue { return false }
        if let direction, line.direction != direction.rawValue { return false }
        if unreceipted, !(line.receipted.map { $0 < line.recipientCount } ?? false) { return false }
        if pastWindow, !ReceiptWindow.isPast(line, now: now) { return false }
        if let foldedText, !searchKey().contains(foldedText), !line.id.hasPrefix(foldedText) { return false }
        return true
    }
}

/// The receipt window of each urgency (section 7's defaults: FLASH 15
/// minutes, IMMEDIATE 1 hour, PRIORITY 24 hours, ROUTINE 7 days): a sent
/// message still missing a recipient's receipt when its window has passed
/// since the relay accepted it is late. One rule for `poc log --past-window`
/// and the web interface's Sent page.
public enum ReceiptWindow {
    /// The window of `urgency`, in seconds.
    public static func seconds(_ urgency: Urgency) -> Int64 { urgency.defaultReceiptWindowSeconds }

    /// When the window of a message accepted at `acceptedAt` ends.
    public static func end(acceptedAt: Timestamp, urgency: Urgency) -> Timestamp { acceptedAt.adding(seconds: seconds(urgency)) }

    /// Whether a sent message with `receipted` of `recipients` receipts is past its window at `now`.
    public static func isPast(acceptedAt: Timestamp, urgency: Urgency, receipted: Int, recipients: Int, now: Timestamp) -> Bool {
        receipted < recipients && now >= end(acceptedAt: acceptedAt, urgency: urgency)
    }

    /// Whether a sent line is past its window (a received line never is; a
    /// message the relay has not accepted, still in the outbox, is not yet).
    public static func isPast(_ line: LogLine, now: Timestamp) -> Bool {
        guard line.isSent, let accepted = line.acceptedTime, let urgency = Urgency(rawValue: line.urgency) else { return false }
        return isPast(acceptedAt: accepted, urgency: urgency, receipted: line.receipted ?? 0, recipients: line.recipientCount, now: now)
    }
}

extension PocClient {
    /// The recorded messages that pass `filter`, oldest first (by sending
    /// time, then id, so equal times keep one order); each sent one with the
    /// count of verified receipts the record holds. Offline: no relay call.
    /// - Throws: ``PocError`` when the record cannot be read.
    public func logLines(_ filter: RecordFilter = RecordFilter(), now: Timestamp = .now()) throws(PocError) -> [LogLine] {
        let all = try allLogLines()
        let text = filter.foldedText
        return all.lines.indices.compactMap { index in
            filter.matches(all.lines[index], searchKey: all.searchKeys[index], foldedText: text, now: now) ? all.lines[index] : nil
        }
    }

    /// Every recorded message's line, oldest first, with its folded search
    /// key (``RecordFilter/searchKey(of:)``), decrypted and folded once for
    /// as long as the record does not change: searching 10,000 lines then
    /// compares plain strings.
    private func allLogLines() throws(PocError) -> (lines: [LogLine], searchKeys: [String]) {
        try record.memo("log-lines") { () throws(PocError) -> (lines: [LogLine], searchKeys: [String]) in
            let receipted = try receiptsByMessage()
            var lines: [LogLine] = []
            for entry in try record.all(.message, as: RecordedMessage.self) {
                var line = try LogLine(entry)
                if line.isSent { line.receipted = receipted[line.id]?.count ?? 0 }
                lines.append(line)
            }
            lines.sort { ($0.sentTime, $0.id) < ($1.sentTime, $1.id) }
            return (lines, lines.map(RecordFilter.searchKey(of:)))
        }
    }
}
