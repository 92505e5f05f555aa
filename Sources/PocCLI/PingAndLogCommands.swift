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

    /// The recorded messages that pass the options, oldest first, through PocKit's one filter.
    static func entries(
        _ client: PocClient, since: String?, with peer: POCIDArgument?, unreceipted: Bool = false, pastWindow: Bool = false
    ) throws -> [LogLine] {
        let cutoff = try since.map { text throws(PocError) in try RecordFilter.cutoff(since: text, duration: { HumanDuration.seconds($0) }) }
        return try client.logLines(RecordFilter(since: cutoff, peer: peer?.id, unreceipted: unreceipted, pastWindow: pastWindow))
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List recorded messages.",
            discussion: """
                Examples:
                  poc log --since 7d --with DEU-TEC-1
                  poc log --unreceipted
                  poc log --past-window
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only since a date, time or duration ago (7d).") var since: String?
        @Option(help: "Only messages with this POC.") var with: POCIDArgument?
        @Flag(help: "Only sent messages still missing a recipient's receipt.") var unreceipted = false
        @Flag(
            help: "Only sent messages missing a receipt after their urgency's receipt window (FLASH 15m, IMMEDIATE 1h, PRIORITY 24h, ROUTINE 7d).")
        var pastWindow = false
        @Option(help: "text or json.") var format: ListFormat = .text

        func run() async throws {
            try await global.withClient(syncOutbox: false) { client in
                let lines = try Log.entries(client, since: since, with: with, unreceipted: unreceipted, pastWindow: pastWindow)
                let environment = global.environment
                if format == .json {
                    environment.write(try prettyJSON(lines))
                    return
                }
                if lines.isEmpty {
                    let what =
                        pastWindow
                        ? "no sent messages missing a receipt past their window" : unreceipted ? "no sent messages missing a receipt" : "no messages"
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
                  poc log export --format csv --since 30d --output record.csv
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "json, html or csv.") var format: String = "json"
        @Option(help: "Write to this file (mode 0600) instead of standard output.") var output: String?
        @Option(help: "Only since a date, time or duration ago (7d).") var since: String?
        @Option(help: "Only messages with this POC.") var with: POCIDArgument?

        func run() async throws {
            guard let format = RecordExport.Format(rawValue: format) else { throw PocError.usage("--format must be json, html or csv") }
            try await global.withClient(syncOutbox: false) { client in
                let lines = try Log.entries(client, since: since, with: with)
                let text = try RecordExport.render(lines, format: format, me: client.me)
                if let output {
                    try LocalFile.save(Data(text.utf8), to: output)
                    global.environment.write("exported \(counted(lines.count, "message")) to \(output)")
                } else {
                    global.environment.write(text)
                }
            }
        }
    }
}
