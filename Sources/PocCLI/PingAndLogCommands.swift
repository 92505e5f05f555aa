import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import RelayProtocol

/// `poc pings`.
struct Pings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List pending liveness pings, each checked against the pinned relay key (R8: answer within 48 hours).")
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
    static let configuration = CommandConfiguration(commandName: "ping", abstract: "Answer liveness pings.", subcommands: [Answer.self])

    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer a ping by signing its challenge; a forged ping is refused.")
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
    enum CodingKeys: String, CodingKey {
        case id, direction, from, to, urgency, exercise, type, subject, body, sentAt = "sent_at", acceptedAt = "accepted_at"
        case consentToShare = "consent_to_share", inReplyTo = "in_reply_to"
    }

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
    }
}

/// `poc log`.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "This POC's record of everything exchanged (R12), kept encrypted on this machine.",
        subcommands: [List.self, Show.self, Export.self], defaultSubcommand: List.self)

    static func entries(_ client: PocClient, since: String?, with peer: POCIDArgument?) throws -> [LogLine] {
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
        return try client.record.all(.message, as: RecordedMessage.self).map(LogLine.init).filter { line in
            (cutoff == nil || (try? Timestamp(parsing: line.sentAt)).map { $0 >= cutoff! } == true)
                && (peer == nil || line.from == peer!.id.rawValue || line.to.contains(peer!.id.rawValue))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List recorded messages.", discussion: "Example: poc log --since 7d --with DEU-TEC-1")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only since a date, time or duration ago (7d).") var since: String?
        @Option(help: "Only messages with this POC.") var with: POCIDArgument?
        @Option(help: "text or json.") var format: ListFormat = .text

        func run() async throws {
            try await global.withClient(syncOutbox: false) { client in
                let lines = try Log.entries(client, since: since, with: with)
                let environment = global.environment
                if format == .json {
                    environment.write(try prettyJSON(lines))
                    return
                }
                var rows = [["", "SENT", "DIR", "ID", "FROM", "TO", "URGENCY", "TYPE", "SUBJECT"]]
                for l in lines {
                    rows.append([
                        l.exercise ? "EXERCISE" : "", l.sentAt, l.direction == "sent" ? "out" : "in", l.id, l.from, l.to.joined(separator: ","),
                        l.urgency, l.type, l.subject,
                    ])
                }
                for line in columns(rows) { environment.write(line) }
                let pings = try client.record.all(.ping, as: RecordedPing.self)
                if !pings.isEmpty { environment.write("\(pings.count) ping(s) answered, \(pings.filter(\.onTime).count) on time") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one recorded message, re-verified.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message id.") var messageID: MessageIDArgument

        func run() async throws {
            try await global.withClient(syncOutbox: false) { client in
                let (entry, inner) = try client.recorded(messageID.id)
                let mark = exerciseMark(inner.exercise)
                let environment = global.environment
                environment.write("\(mark)\(entry.direction == .sent ? "Sent" : "Received") \(inner.id) \(inner.urgency.rawValue.uppercased())")
                environment.write("\(mark)From: \(inner.from)  To: \(inner.to.map(\.rawValue).joined(separator: ", "))")
                environment.write("\(mark)Subject: \(inner.subject)")
                for line in inner.body.split(separator: "\n", omittingEmptySubsequences: false) { environment.write("\(mark)\(line)") }
                let receipts = try client.record.all(.receipt, as: RecordedReceipt.self).filter { $0.messageID == inner.id }
                for r in receipts { environment.write("\(mark)Receipt from \(r.recipient) at \(r.at) (signature verified)") }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export the record for the POC's own archive (plaintext: keep it safe).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "json or html.") var format: String = "json"
        @Option(help: "Write to this file (mode 0600) instead of standard output.") var output: String?

        func run() async throws {
            guard ["json", "html"].contains(format) else { throw PocError.usage("--format must be json or html") }
            try await global.withClient(syncOutbox: false) { client in
                let lines = try Log.entries(client, since: nil, with: nil)
                let text = format == "json" ? try prettyJSON(lines) : Self.html(lines, me: client.me)
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                        throw PocError("cannot write \(output)")
                    }
                    global.environment.write("exported \(lines.count) message(s) to \(output)")
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
                html += "<h2>\(escape(l.subject))</h2><p>\(escape(l.direction)) · \(escape(l.id)) · \(escape(l.urgency)) · \(escape(l.type))<br>"
                html +=
                    "from \(escape(l.from)) to \(escape(l.to.joined(separator: ", "))) · sent \(escape(l.sentAt))</p><pre>\(escape(l.body))</pre></section>"
            }
            return html + "</body></html>"
        }
    }
}
