import Foundation
public import RelayProtocol

/// A sealed message waiting in the outbox for the relay to be reachable again.
public struct OutboxItem: Sendable {
    /// The message's id (the same when it is resubmitted: never sent twice).
    public let id: MessageID
    /// Its recipients, as sealed.
    public let to: [POCID]
    /// Its urgency, as sealed.
    public let urgency: Urgency
    /// The message as recorded when it was sealed (`nil` if the record lacks it).
    public let inner: InnerMessage?
    /// When it was sealed and recorded.
    public let recordedAt: Timestamp?
}

/// What a reply to a recorded message starts with: to its sender, "Re: " its
/// subject, in reply to it, with its urgency, TLP label and exercise flag.
public struct ReplyDefaults: Sendable, Equatable {
    /// The original message.
    public let original: MessageID
    /// Its sender.
    public let to: POCID
    /// "Re: SUBJECT" (one "Re: ", however many the original had).
    public let subject: String
    public let urgency: Urgency
    public let tlp: TLPLabel?
    public let exercise: Bool

    /// The reply's subject for `subject`.
    public static func subject(replyingTo subject: String) -> String {
        var rest = Substring(subject)
        while rest.lowercased().hasPrefix("re:") { rest = rest.dropFirst(3).drop { $0 == " " } }
        return "Re: \(rest)"
    }
}

extension PocClient {
    /// The messages waiting in the outbox, oldest first, each with its recorded
    /// message; ``syncOutbox()`` sends them.
    public func outbox() throws(PocError) -> [OutboxItem] {
        try record.all(.outbox, as: Envelope.self).map { envelope throws(PocError) in
            let entry = try record.get(.message, id: envelope.id.rawValue, as: RecordedMessage.self)
            return OutboxItem(
                id: envelope.id, to: envelope.to, urgency: envelope.urgency, inner: entry.flatMap { try? $0.inner },
                recordedAt: entry?.recordedAt)
        }
        .sorted { ($0.recordedAt ?? .now(), $0.id.rawValue) < ($1.recordedAt ?? .now(), $1.id.rawValue) }
    }

    /// What a reply to `id` starts with.
    /// - Throws: 64 when `id` is not in the record, or is a message this POC sent.
    public func replyDefaults(to id: MessageID) throws(PocError) -> ReplyDefaults {
        let (_, original) = try recorded(id)
        guard original.from != me else {
            throw PocError.usage("\(id) is a message this POC sent: reply to one it received")
        }
        return ReplyDefaults(
            original: id, to: original.from, subject: ReplyDefaults.subject(replyingTo: original.subject), urgency: original.urgency,
            tlp: original.tlp, exercise: original.exercise)
    }
}
