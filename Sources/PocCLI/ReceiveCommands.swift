import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import ProcessLaunch
import RelayProtocol

/// The exercise marker, on every line and page exercise traffic appears on (R15).
func exerciseMark(_ exercise: Bool) -> String { exercise ? "EXERCISE " : "" }

/// One inbox line.
struct InboxLine: Encodable {
    let id: String
    let from: String
    let urgency: String
    let exercise: Bool
    let type: String
    let subject: String
    let acceptedAt: String
    /// The Traffic Light Protocol label, if the sender set one.
    let tlp: String?
    enum CodingKeys: String, CodingKey { case id, from, urgency, exercise, type, subject, acceptedAt = "accepted_at", tlp }
}

/// `poc inbox`.
struct Inbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List waiting messages, most urgent first, each opened and verified.",
        discussion: """
            Messages that fail any check are kept out of the list and reported on standard error.

            Examples:
              poc inbox
              poc inbox --format json
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "text or json.") var format: ListFormat = .text

    func run() async throws {
        try await global.withClient { client in
            let entries = try await client.inbox()
            await client.refreshDeliveries()
            let pings = (try? await client.pendingPings()) ?? []
            let environment = global.environment
            var lines: [InboxLine] = []
            for entry in entries {
                switch entry {
                case .opened(let message, let acceptedAt):
                    let inner = message.inner
                    lines.append(
                        InboxLine(
                            id: inner.id.rawValue, from: inner.from.rawValue, urgency: inner.urgency.rawValue, exercise: inner.exercise,
                            type: inner.type.rawValue, subject: inner.subject, acceptedAt: acceptedAt.description, tlp: inner.tlp?.rawValue))
                case .rejected(let id, let from, let reason):
                    environment.error("poc: rejected \(id) from \(from): \(reason)")
                }
            }
            if format == .json {
                environment.write(try prettyJSON(lines))
                return
            }
            let terminal = TerminalOutput.standardOutput(variables: environment.variables)
            if lines.isEmpty {
                environment.write("no messages waiting")
            } else {
                for line in Self.table(lines, terminal: terminal) { environment.write(line) }
                if lines.contains(where: \.exercise) {
                    environment.write("EXERCISE: lines marked EXERCISE are simulation traffic, not real incidents")
                }
            }
            let summary = Self.summary(lines, pings: pings)
            let joined = summary.joined(separator: "; ")
            if !summary.isEmpty && DisplayWidth.of(joined) <= terminal.width ?? Int.max {
                environment.write(joined)
            } else {
                for part in summary { environment.write(part) }
            }
        }
    }

    /// The inbox rows, aligned by display width, the subject cut to the
    /// terminal's width, FLASH and IMMEDIATE in colour on a terminal (the
    /// label is written either way). On a narrow terminal the accepted time,
    /// then the type, make room for the subject (`poc read` shows both).
    static func table(_ lines: [InboxLine], terminal: TerminalOutput) -> [String] {
        var header = ["EX", "URGENCY", "TLP", "ID", "FROM", "TYPE", "ACCEPTED", "SUBJECT"]
        var rows = lines.map { line in
            [
                line.exercise ? "EXERCISE" : "", line.urgency.uppercased(), line.tlp.map { "TLP:\($0)" } ?? "", line.id, line.from, line.type,
                line.acceptedAt, line.subject,
            ]
        }
        if let width = terminal.width {
            for optional in ["ACCEPTED", "TYPE"] {
                let full = DisplayWidth.columns([header] + rows).map(DisplayWidth.of).max() ?? 0
                let subject = rows.map { DisplayWidth.of($0.last ?? "") }.max() ?? 0
                guard full > width, full - subject + min(subject, minimumSubject) > width, let index = header.firstIndex(of: optional) else { break }
                header.remove(at: index)
                for row in rows.indices { rows[row].remove(at: index) }
            }
        }
        var aligned = DisplayWidth.columns([header] + rows, maxWidth: terminal.width, shrink: header.count - 1)
        var subjects: [String]?
        if let width = terminal.width {
            let others = DisplayWidth.columns([Array(header.dropLast())] + rows.map { Array($0.dropLast()) })
            if width - (others.map(DisplayWidth.of).max() ?? 0) - 2 < minimumSubject {
                // Too narrow for the subject beside the rest: it goes on its own line under each row, indented.
                aligned = others
                subjects = zip(rows, lines).map { row, line in
                    let mark = "  " + exerciseMark(line.exercise)
                    return mark + DisplayWidth.truncate(row.last ?? "", to: max(4, width - DisplayWidth.of(mark)))
                }
            }
        }
        var output = [aligned[0]]
        for (index, row) in rows.enumerated() {
            var text = aligned[index + 1]
            let label = row[1]
            if terminal.colour, label == "FLASH" || label == "IMMEDIATE", let range = text.range(of: label) {
                // The first occurrence is the urgency cell: the exercise cell before it holds EXERCISE or nothing.
                text.replaceSubrange(range, with: terminal.highlight(label, red: label == "FLASH"))
            }
            output.append(text)
            if let subjects { output.append(subjects[index]) }
        }
        return output
    }

    /// Below this many columns for the subject, it goes on a line of its own.
    static let minimumSubject = 24

    /// The parts of the line under the inbox, "3 messages (1 FLASH)" and "1 ping
    /// waiting: poc ping answer ID": none when there is nothing to say.
    static func summary(_ lines: [InboxLine], pings: [PendingPing]) -> [String] {
        var parts: [String] = []
        if !lines.isEmpty {
            var counts: [String] = []
            for urgency in ["flash", "immediate"] {
                let n = lines.filter { $0.urgency == urgency }.count
                if n > 0 { counts.append("\(n) \(urgency.uppercased())") }
            }
            let exercise = lines.filter(\.exercise).count
            // All exercise traffic: the line is about exercise traffic only, and marked so (R15).
            let allExercise = exercise == lines.count
            if exercise > 0 && !allExercise { counts.append("\(exercise) EXERCISE") }
            parts.append(
                (allExercise ? "EXERCISE: " : "") + "\(lines.count) message\(lines.count == 1 ? "" : "s")"
                    + (counts.isEmpty ? "" : " (\(counts.joined(separator: ", ")))"))
        }
        let genuine = pings.filter(\.genuine)
        if !genuine.isEmpty {
            let next = genuine.min { $0.ping.deadline < $1.ping.deadline }!
            parts.append(
                "\(genuine.count) ping\(genuine.count == 1 ? "" : "s") waiting: poc ping answer \(next.ping.pingID) (due \(next.ping.deadline))")
        }
        let forged = pings.count - genuine.count
        if forged > 0 { parts.append("\(forged) FORGED ping\(forged == 1 ? "" : "s"): do not answer (see `poc pings`)") }
        return parts
    }
}

/// `poc read`.
struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a message, verify every check, send the signed receipt, and keep it in the record.",
        discussion: """
            Examples:
              poc read 1a2b3c4d5e6f708192a3b4c5d6e7f809
              poc read 1a2b3c4d5e6f708192a3b4c5d6e7f809 --save-attachments ~/incident-42
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The message id.") var messageID: MessageIDArgument
    @Option(help: "Save attachments into this folder (created if missing).") var saveAttachments: String?
    @Flag(help: "With --save-attachments: replace files that already exist.") var force = false

    func run() async throws {
        try await global.withClient { client in
            let message = try await client.read(messageID.id)
            let directory = try await client.verifiedDirectory()
            try render(message.inner, acceptedAt: message.acceptedAt, directory: directory, client: client)
            if !message.fromRecord { global.environment.error("poc: receipt sent to \(message.inner.from)") }
            await client.refreshDeliveries()
            if let folder = saveAttachments {
                let saved = try AttachmentSaver(folder: folder, force: force).save(message.inner.attachments ?? [])
                for path in saved { global.environment.error("poc: saved \(path)") }
                if saved.isEmpty { global.environment.error("poc: message \(message.inner.id) has no attachments; nothing saved") }
            }
        }
    }

    func render(_ inner: InnerMessage, acceptedAt: Timestamp?, directory: VerifiedDirectory, client: PocClient) throws {
        let environment = global.environment
        let banner = "=== EXERCISE — EXERCISE — EXERCISE: simulation traffic, not a real incident ==="
        if inner.exercise { environment.write(banner) }
        let mark = exerciseMark(inner.exercise)
        environment.write("\(mark)Message \(inner.id)")
        environment.write("\(mark)From:     \(inner.from) (signature verified)")
        environment.write("\(mark)To:       \(inner.to.map(\.rawValue).joined(separator: ", "))")
        environment.write("\(mark)Urgency:  \(inner.urgency.rawValue.uppercased())")
        environment.write("\(mark)Type:     \(inner.type.rawValue)\(inner.tlp.map { "   TLP:\($0.rawValue)" } ?? "")")
        environment.write("\(mark)Sent:     \(inner.sentAt)\(acceptedAt.map { "   accepted \($0)" } ?? "")")
        environment.write(
            "\(mark)Sharing:  \(inner.consentToShare ? "the sender consents to sharing with third parties" : "no consent to share with third parties")"
        )
        if let reply = inner.inReplyTo { environment.write("\(mark)Reply to: \(reply)") }
        environment.write("\(mark)Subject:  \(inner.subject)")
        environment.write("")
        for line in inner.body.split(separator: "\n", omittingEmptySubsequences: false) { environment.write("\(mark)\(line)") }
        if inner.type == .rfiResponse, let fields = try? inner.templateFields(RFIResponseFields.self), fields.mode == .acknowledge {
            environment.write("")
            environment.write("\(mark)(An acknowledgement of receipt: it is not agreement with, or endorsement of, the request.)")
        }
        if inner.type == .forward {
            let check = try client.verifyForward(inner, in: directory)
            environment.write("")
            environment.write("\(mark)Forwarded original \(check.original.id) from \(check.original.from): \(check.verdict)")
            environment.write("\(mark)Original subject: \(check.original.subject)")
            for line in check.original.body.split(separator: "\n", omittingEmptySubsequences: false) { environment.write("\(mark)> \(line)") }
        }
        if let fields = inner.fields, ![.forward, .rfi].contains(inner.type) {
            environment.write("")
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                if case .string(let text) = value {
                    environment.write("\(mark)\(key): \(text)")
                } else if case .bool(let flag) = value {
                    environment.write("\(mark)\(key): \(flag)")
                }
            }
        }
        for attachment in inner.attachments ?? [] {
            environment.write("\(mark)Attachment: \(attachment.name) (\(attachment.mediaType), \(attachment.data.data.count) bytes)")
        }
        if inner.exercise { environment.write(banner) }
    }
}

/// `poc status`.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delivery state per recipient of a message you sent, with each receipt's signature checked.",
        discussion: """
            Examples:
              poc status 1a2b3c4d5e6f708192a3b4c5d6e7f809
              poc status 1a2b3c4d5e6f708192a3b4c5d6e7f809 --format json
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The message id.") var messageID: MessageIDArgument
    @Option(help: "text or json.") var format: ListFormat = .text

    func run() async throws {
        try await global.withClient { client in
            let (status, deliveries) = try await client.status(messageID.id)
            let environment = global.environment
            if format == .json {
                environment.write(try prettyJSON(status))
                return
            }
            environment.write("message \(status.id), \(status.urgency.rawValue), accepted \(status.acceptedAt)")
            var rows = [["RECIPIENT", "FETCHED", "RECEIPT", "SIGNATURE"]]
            for d in deliveries {
                let signature =
                    switch d.receipt {
                    case .none: "-"
                    case .verified: "verified"
                    case .invalid: "INVALID"
                    case .unchecked: "unchecked (message not in this record)"
                    }
                rows.append([d.recipient.rawValue, d.fetchedAt?.description ?? "-", d.receiptAt?.description ?? "-", signature])
            }
            for line in columns(rows) { environment.write(line) }
            if deliveries.contains(where: { $0.receipt == .invalid }) {
                throw PocError("a receipt signature does not verify", status: .dataError)
            }
        }
    }
}

/// `poc watch`.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait for messages and pings and print each as it arrives; never answers pings by itself.",
        discussion: """
            Rings the terminal bell for flash and immediate messages. With --exec, runs the command for each \
            arrival with POC_EVENT (message or ping), POC_MESSAGE_ID, POC_FROM, POC_URGENCY and POC_EXERCISE set \
            (never the content), e.g. to raise a desktop or SMS notification. Reconnects with backoff.

            With --notify, raises a desktop notification (notify-send) for flash and immediate messages. It shows \
            the urgency, EXERCISE and the sender's id, never the subject or the body: someone else may see the screen.

            Examples:
              poc watch
              poc watch --count 1
              poc watch --notify
              poc watch --exec 'notify-send "POC message from $POC_FROM"'
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Run this shell command per arrival.") var exec: String?
    @Option(help: "Stop after this many messages (pings do not count; for scripts and tests).") var count: Int?
    @Option(help: "Stop after this many seconds.") var seconds: Int?
    @Flag(help: "Desktop notification (notify-send) for flash and immediate messages, without subject or body.") var notify = false

    func run() async throws {
        try await global.withClient { client in
            let environment = global.environment
            var watch = ArrivalWatch(client: client)
            var messages = 0
            var backoff = 1
            var unreachable = false
            var lastRefresh: ContinuousClock.Instant?
            let deadline = seconds.map { ContinuousClock.now + .seconds($0) }
            environment.error("poc: watching for messages and pings for \(client.me) (Ctrl-C to stop)")
            let notifier = notify ? DesktopNotifier.start(environment) : nil
            while deadline.map({ ContinuousClock.now < $0 }) ?? true, count.map({ messages < $0 }) ?? true {
                do {
                    // Pings first, so one already waiting shows at once rather than after a long poll.
                    for pending in try await watch.pings().new { await show(pending) }
                    if unreachable { reachable(&unreachable) }
                    let remaining = deadline.map { Int(($0 - ContinuousClock.now).components.seconds) } ?? ArrivalWatch.pollSeconds
                    for message in try await watch.messages(wait: remaining).new {
                        messages += 1
                        await show(message.inner)
                        notifier?.notify(message.inner)
                        if let count, messages >= count { break }
                    }
                    if lastRefresh.map({ ContinuousClock.now - $0 > .seconds(60) }) ?? true {
                        await client.refreshDeliveries()
                        lastRefresh = .now
                    }
                    backoff = 1
                } catch let error as PocError where error.status == .unavailable {
                    environment.error("poc: relay unreachable; retrying in \(backoff) s")
                    unreachable = true
                    try await Task.sleep(for: .seconds(backoff))
                    backoff = min(backoff * 2, 60)
                }
            }
        }
    }

    private func reachable(_ unreachable: inout Bool) {
        unreachable = false
        global.environment.error("poc: relay reachable again")
    }

    private func show(_ inner: InnerMessage) async {
        let bell = inner.urgency >= .immediate ? "\u{7}" : ""
        let tlp = inner.tlp.map { " TLP:\($0.rawValue)" } ?? ""
        global.environment.write(
            "\(bell)\(exerciseMark(inner.exercise))\(inner.urgency.rawValue.uppercased())\(tlp) \(inner.id) from \(inner.from): \(inner.subject)")
        await run(
            exec,
            [
                "POC_EVENT": "message", "POC_MESSAGE_ID": inner.id.rawValue, "POC_FROM": inner.from.rawValue,
                "POC_URGENCY": inner.urgency.rawValue, "POC_EXERCISE": inner.exercise ? "1" : "0",
            ])
    }

    private func show(_ pending: PendingPing) async {
        let verdict = pending.genuine ? "answer with `poc ping answer \(pending.ping.pingID)`" : "FORGED: not signed by the relay; do not answer"
        global.environment.write("PING \(pending.ping.pingID) due \(pending.ping.deadline): \(verdict)")
        await run(
            exec,
            ["POC_EVENT": "ping", "POC_MESSAGE_ID": pending.ping.pingID, "POC_FROM": "relay", "POC_URGENCY": "priority", "POC_EXERCISE": "0"])
    }

    private func run(_ command: String?, _ variables: [String: String]) async {
        guard let command else { return }
        do {
            let process = try ChildProcess(
                executable: "/bin/sh", arguments: ["-c", command],
                environment: PocEnvironment.current.variables.merging(variables) { $1 }, input: .inherit, standardOutput: .inherit,
                standardError: .inherit)
            _ = await process.waitForExit()
        } catch {
            PocEnvironment.current.error("poc: cannot run --exec command: \(error.localizedDescription)")
        }
    }
}
