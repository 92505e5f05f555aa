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
    enum CodingKeys: String, CodingKey { case id, from, urgency, exercise, type, subject, acceptedAt = "accepted_at" }
}

/// `poc inbox`.
struct Inbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List waiting messages, most urgent first, each opened and verified.",
        discussion: "Messages that fail any check are kept out of the list and reported on standard error.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "text or json.") var format: ListFormat = .text

    func run() async throws {
        try await global.withClient { client in
            let entries = try await client.inbox()
            let environment = global.environment
            var lines: [InboxLine] = []
            for entry in entries {
                switch entry {
                case .opened(let message, let acceptedAt):
                    let inner = message.inner
                    lines.append(
                        InboxLine(
                            id: inner.id.rawValue, from: inner.from.rawValue, urgency: inner.urgency.rawValue, exercise: inner.exercise,
                            type: inner.type.rawValue, subject: inner.subject, acceptedAt: acceptedAt.description))
                case .rejected(let id, let from, let reason):
                    environment.error("poc: rejected \(id) from \(from): \(reason)")
                }
            }
            if format == .json {
                environment.write(try prettyJSON(lines))
                return
            }
            if lines.isEmpty {
                environment.write("no messages waiting")
                return
            }
            var rows = [["", "URGENCY", "ID", "FROM", "TYPE", "SUBJECT", "ACCEPTED"]]
            for line in lines {
                rows.append([
                    line.exercise ? "EXERCISE" : "", line.urgency.uppercased(), line.id, line.from, line.type, line.subject, line.acceptedAt,
                ])
            }
            for line in columns(rows) { environment.write(line) }
            if lines.contains(where: \.exercise) { environment.write("EXERCISE: lines marked EXERCISE are simulation traffic, not real incidents") }
        }
    }
}

/// `poc read`.
struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a message, verify every check, send the signed receipt, and keep it in the record.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The message id.") var messageID: MessageIDArgument
    @Option(help: "Save attachments into this folder.") var saveAttachments: String?

    func run() async throws {
        try await global.withClient { client in
            let message = try await client.read(messageID.id)
            let directory = try await client.verifiedDirectory()
            try render(message.inner, acceptedAt: message.acceptedAt, directory: directory, client: client)
            if !message.fromRecord { global.environment.error("poc: receipt sent to \(message.inner.from)") }
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
            if let folder = saveAttachments {
                let safeName = (attachment.name as NSString).lastPathComponent.replacingOccurrences(of: "..", with: "_")
                let path = (folder as NSString).appendingPathComponent(safeName)
                guard FileManager.default.createFile(atPath: path, contents: attachment.data.data, attributes: [.posixPermissions: 0o600]) else {
                    throw PocError("cannot save \(path)")
                }
            }
        }
        if inner.exercise { environment.write(banner) }
    }
}

/// `poc status`.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delivery state per recipient of a message you sent, with each receipt's signature checked.")
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
            Rings the terminal bell for flash and immediate messages. With --exec, runs the command for each
            arrival with POC_EVENT (message or ping), POC_MESSAGE_ID, POC_FROM, POC_URGENCY and POC_EXERCISE set
            (never the content), e.g. to raise a desktop or SMS notification. Reconnects with backoff.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Run this shell command per arrival.") var exec: String?
    @Option(help: "Stop after this many arrivals (for scripts and tests).") var count: Int?
    @Option(help: "Stop after this many seconds.") var seconds: Int?

    func run() async throws {
        try await global.withClient { client in
            let environment = global.environment
            var seen = Set<String>()
            var arrivals = 0
            var backoff = 1
            let deadline = seconds.map { ContinuousClock.now + .seconds($0) }
            environment.error("poc: watching for messages and pings for \(client.me) (Ctrl-C to stop)")
            while deadline.map({ ContinuousClock.now < $0 }) ?? true, count.map({ arrivals < $0 }) ?? true {
                do {
                    let remaining = deadline.map { Int(($0 - ContinuousClock.now).components.seconds) } ?? 30
                    let entries = try await client.inbox(wait: max(0, min(30, remaining)))
                    var fresh = 0
                    for entry in entries {
                        guard case .opened(let message, _) = entry, seen.insert(message.inner.id.rawValue).inserted else { continue }
                        fresh += 1
                        arrivals += 1
                        let inner = message.inner
                        let bell = inner.urgency >= .immediate ? "\u{7}" : ""
                        environment.write(
                            "\(bell)\(exerciseMark(inner.exercise))\(inner.urgency.rawValue.uppercased()) \(inner.id) from \(inner.from): \(inner.subject)"
                        )
                        await run(
                            exec,
                            [
                                "POC_EVENT": "message", "POC_MESSAGE_ID": inner.id.rawValue, "POC_FROM": inner.from.rawValue,
                                "POC_URGENCY": inner.urgency.rawValue, "POC_EXERCISE": inner.exercise ? "1" : "0",
                            ])
                    }
                    for pending in try await client.pendingPings() where seen.insert("ping:" + pending.ping.pingID).inserted {
                        arrivals += 1
                        let verdict =
                            pending.genuine
                            ? "answer with `poc ping answer \(pending.ping.pingID)`" : "FORGED: not signed by the relay; do not answer"
                        environment.write("PING \(pending.ping.pingID) due \(pending.ping.deadline): \(verdict)")
                        await run(
                            exec,
                            [
                                "POC_EVENT": "ping", "POC_MESSAGE_ID": pending.ping.pingID, "POC_FROM": "relay", "POC_URGENCY": "priority",
                                "POC_EXERCISE": "0",
                            ])
                    }
                    backoff = 1
                    // Unread messages stay waiting on the relay: pause instead of asking again at once.
                    if fresh == 0 && !entries.isEmpty { try await Task.sleep(for: .seconds(2)) }
                } catch let error as PocError where error.status == .unavailable {
                    environment.error("poc: relay unreachable; retrying in \(backoff) s")
                    try await Task.sleep(for: .seconds(backoff))
                    backoff = min(backoff * 2, 60)
                }
            }
        }
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
