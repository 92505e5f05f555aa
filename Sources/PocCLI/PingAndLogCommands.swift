import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import RelayProtocol

/// `poc pings`.
struct Pings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List pending liveness pings, each checked against the pinned relay key; answer each within 48 hours.",
        discussion: """
            Examples:
              poc pings
              poc ping answer 7c1e4f0a9b2d4c68
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "text or json.") var format: ListFormat = .text

    struct Line: Encodable {
        let pingID: String
        let campaignID: String
        let issuedAt: String
        let deadline: String
        let genuine: Bool
        enum CodingKeys: String, CodingKey { case pingID = "ping_id", campaignID = "campaign_id", issuedAt = "issued_at", deadline, genuine }
    }

    func run() async throws {
        try await global.withClient { client in
            let pings = try await client.pendingPings()
            let environment = global.environment
            if format == .json {
                environment.write(
                    try prettyJSON(
                        pings.map {
                            Line(
                                pingID: $0.ping.pingID, campaignID: $0.ping.campaignID, issuedAt: $0.ping.issuedAt.description,
                                deadline: $0.ping.deadline.description, genuine: $0.genuine)
                        }))
                return
            }
            if pings.isEmpty {
                environment.write("no pending pings")
                return
            }
            var rows = [["PING", "ISSUED", "DEADLINE", "SIGNATURE"]]
            for p in pings {
                rows.append([
                    p.ping.pingID, p.ping.issuedAt.description, p.ping.deadline.description, p.genuine ? "relay (verified)" : "FORGED: do not answer",
                ])
            }
            for line in columns(rows) { environment.write(line) }
        }
    }
}

/// `poc ping answer`.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping", abstract: "Answer liveness pings.",
        discussion: """
            Examples:
              poc ping answer 7c1e4f0a9b2d4c68
            """, subcommands: [Answer.self])

    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a ping by signing its challenge; a forged ping is refused.",
            discussion: """
                Examples:
                  poc ping answer 7c1e4f0a9b2d4c68
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The ping id.") var pingID: String

        static func timeliness(_ onTime: Bool) -> String { onTime ? "on time" : "LATE: after the deadline" }

        func run() async throws {
            try await global.withClient { client in
                switch try await client.answerPingOnce(pingID) {
                case .answered(let answer):
                    global.environment.write("answered \(pingID) at \(answer.answeredAt) (\(Self.timeliness(answer.onTime)))")
                case .alreadyAnswered(let recorded):
                    global.environment.write("already answered \(pingID) at \(recorded.answeredAt) (\(Self.timeliness(recorded.onTime)))")
                }
            }
        }
    }
}

/// One record line.
struct LogLine: Encodable {
    let id: String
    let direction: String
    let from: String
    let to: [String]
    let urgency: String
    let exercise: Bool
    let type: String
    let subject: String
    let body: String
    let sentAt: String
    let acceptedAt: String?
    let consentToShare: Bool
    let inReplyTo: String?
    /// The Traffic Light Protocol label, if the sender set one.
    let tlp: String?
    /// For a sent message: how many recipients' verified receipts the record holds.
    var receipted: Int?
    /// The sending time, for sorting.
    let sentTime: Timestamp
    enum CodingKeys: String, CodingKey {
        case id, direction, from, to, urgency, exercise, type, subject, body, sentAt = "sent_at", acceptedAt = "accepted_at"
        case consentToShare = "consent_to_share", inReplyTo = "in_reply_to", tlp, receipted
    }

    /// "2/3 receipted" for a sent message, "-" for a received one.
    var delivery: String { receipted.map { DeliverySummary(receipted: $0, recipients: Set(to).count).text } ?? "-" }

    init(_ entry: RecordedMessage) throws {
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
    }
}

/// `poc log`.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "This POC's record of everything exchanged, kept encrypted on this machine.",
        discussion: """
            Examples:
              poc log --since 7d --with DEU-TEC-1
              poc log show 1a2b3c4d5e6f708192a3b4c5d6e7f809
              poc log export --format html --output record.html
            """,
        subcommands: [List.self, Show.self, Export.self], defaultSubcommand: List.self)

    /// The recorded messages, oldest first (by sending time, then id, so equal times keep one order).
    static func entries(_ client: PocClient, since: String?, with peer: POCIDArgument?, unreceipted: Bool = false) throws -> [LogLine] {
        var cutoff: Timestamp?
        if let since {
            if let duration = DurationArgument(argument: since) {
                cutoff = Timestamp.now().adding(seconds: -duration.seconds)
            } else if let time = try? Timestamp(parsing: since.count == 10 ? since + "T00:00:00Z" : since) {
                cutoff = time
            } else {
                throw PocError.usage("--since takes a date (2026-11-22), a time (2026-11-22T10:00:00Z) or a duration (7d)")
            }
        }
        let summaries = try client.deliverySummaries()
        var lines = try client.record.all(.message, as: RecordedMessage.self).map(LogLine.init)
        for index in lines.indices where lines[index].direction == RecordedMessage.Direction.sent.rawValue {
            lines[index].receipted = (try? MessageID(lines[index].id)).flatMap { summaries[$0]?.receipted } ?? 0
        }
        return
            lines.filter { line in
                (cutoff == nil || line.sentTime >= cutoff!)
                    && (peer == nil || line.from == peer!.id.rawValue || line.to.contains(peer!.id.rawValue))
                    && (!unreceipted || (line.receipted.map { $0 < Set(line.to).count } ?? false))
            }
            .sorted { ($0.sentTime, $0.id) < ($1.sentTime, $1.id) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List recorded messages.",
            discussion: """
                Examples:
                  poc log --since 7d --with DEU-TEC-1
                  poc log --unreceipted
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only since a date, time or duration ago (7d).") var since: String?
        @Option(help: "Only messages with this POC.") var with: POCIDArgument?
        @Flag(help: "Only sent messages still missing a recipient's receipt.") var unreceipted = false
        @Option(help: "text or json.") var format: ListFormat = .text

        func run() async throws {
            try await global.withClient(syncOutbox: false) { client in
                let lines = try Log.entries(client, since: since, with: with, unreceipted: unreceipted)
                let environment = global.environment
                if format == .json {
                    environment.write(try prettyJSON(lines))
                    return
                }
                if lines.isEmpty {
                    let what = unreceipted ? "no sent messages missing a receipt" : "no messages"
                    environment.write(what + (with.map { " with \($0.id)" } ?? "") + (since.map { " since \($0)" } ?? "") + " in the record")
                    return
                }
                var rows = [["EX", "SENT", "DIR", "ID", "FROM", "TO", "URGENCY", "TLP", "TYPE", "DELIVERY", "SUBJECT"]]
                for l in lines {
                    rows.append([
                        l.exercise ? "EXERCISE" : "", l.sentAt, l.direction == "sent" ? "out" : "in", l.id, l.from, l.to.joined(separator: ","),
                        l.urgency.uppercased(), l.tlp.map { "TLP:\($0)" } ?? "", l.type, l.delivery, l.subject,
                    ])
                }
                let terminal = TerminalOutput.standardOutput(variables: environment.variables)
                for line in DisplayWidth.columns(rows, maxWidth: terminal.width, shrink: rows[0].count - 1) { environment.write(line) }
                if lines.contains(where: \.exercise) {
                    environment.write("EXERCISE: lines marked EXERCISE are simulation traffic, not real incidents")
                }
                let pings = try client.record.all(.ping, as: RecordedPing.self)
                if !pings.isEmpty { environment.write("\(pings.count) ping(s) answered, \(pings.filter(\.onTime).count) on time") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one recorded message, re-verified.",
            discussion: """
                Examples:
                  poc log show 1a2b3c4d5e6f708192a3b4c5d6e7f809
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message id.") var messageID: MessageIDArgument

        func run() async throws {
            try await global.withClient(syncOutbox: false) { client in
                let (entry, inner) = try client.recorded(messageID.id)
                let mark = exerciseMark(inner.exercise)
                let environment = global.environment
                environment.write(
                    "\(mark)\(entry.direction == .sent ? "Sent" : "Received") \(inner.id) \(inner.urgency.rawValue.uppercased())"
                        + (inner.tlp.map { "  TLP:\($0.rawValue)" } ?? ""))
                environment.write("\(mark)From: \(inner.from)  To: \(inner.to.map(\.rawValue).joined(separator: ", "))")
                environment.write("\(mark)Subject: \(inner.subject)")
                for line in inner.body.split(separator: "\n", omittingEmptySubsequences: false) { environment.write("\(mark)\(line)") }
                let receipts = try client.record.all(.receipt, as: RecordedReceipt.self).filter { $0.messageID == inner.id }
                for r in receipts { environment.write("\(mark)Receipt from \(r.recipient) at \(r.at) (signature verified)") }
                if entry.direction == .sent {
                    let summary = DeliverySummary(receipted: Set(receipts.map(\.recipient)).count, recipients: Set(inner.to).count)
                    environment.write("\(mark)Delivery: \(summary.text)")
                }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the record for the POC's own archive (plaintext: keep it safe).",
            discussion: """
                Examples:
                  poc log export --output record.json
                  poc log export --format html --output record.html
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "json or html.") var format: String = "json"
        @Option(help: "Write to this file (mode 0600) instead of standard output.") var output: String?

        func run() async throws {
            guard ["json", "html"].contains(format) else { throw PocError.usage("--format must be json or html") }
            try await global.withClient(syncOutbox: false) { client in
                let lines = try Log.entries(client, since: nil, with: nil)
                let text = format == "json" ? try prettyJSON(lines) : Self.html(lines, me: client.me)
                if let output {
                    try LocalFile.save(Data(text.utf8), to: output)
                    global.environment.write("exported \(counted(lines.count, "message")) to \(output)")
                } else {
                    global.environment.write(text)
                }
            }
        }

        static func html(_ lines: [LogLine], me: POCID) -> String {
            func escape(_ text: String) -> String {
                text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
                    of: ">", with: "&gt;"
                )
                .replacingOccurrences(of: "\"", with: "&quot;")
            }
            var html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>POC record of \(escape(me.rawValue))</title>"
            html +=
                "<style>body{font-family:sans-serif;max-width:60rem;margin:auto}.ex{border-left:6px solid #c60;padding-left:.5rem}pre{white-space:pre-wrap}</style></head><body>"
            html += "<h1>Record of \(escape(me.rawValue))</h1>"
            for l in lines {
                html += "<section class=\"\(l.exercise ? "ex" : "")\">"
                if l.exercise { html += "<p><strong>EXERCISE: simulation traffic</strong></p>" }
                if let tlp = l.tlp { html += "<p class=\"tlp\"><strong>TLP:\(escape(tlp))</strong></p>" }
                html += "<h2>\(escape(l.subject))</h2><p>\(escape(l.direction)) · \(escape(l.id)) · \(escape(l.urgency)) · \(escape(l.type))"
                if l.receipted != nil { html += " · \(escape(l.delivery))" }
                html += "<br>"
                html +=
                    "from \(escape(l.from)) to \(escape(l.to.joined(separator: ", "))) · sent \(escape(l.sentAt))</p><pre>\(escape(l.body))</pre></section>"
            }
            return html + "</body></html>"
        }
    }
}
