import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import RelayProtocol

/// Recipients and the header flags every sending command shares.
struct SendingOptions: ParsableArguments {
    @Option(help: "Recipients, comma-separated POC ids.") var to: String?
    @Option(help: "Send to every POC of this state (with --role).") var state: StateArgument?
    @Option(help: "Send to every POC of this role (with --state).") var role: Role?
    @Option(help: "flash, immediate, priority or routine.") var urgency: Urgency = .routine
    @Option(help: "Traffic Light Protocol label: CLEAR, GREEN, AMBER, AMBER+STRICT, RED.") var tlp: TLPLabel?
    @Flag(help: "Consent to the recipients sharing this message with third parties (default: no consent).") var share = false
    @Flag(help: "Mark as simulation-exercise traffic.") var exercise = false
    @Flag(help: "Send without asking when the message reaches more than one state or more than 10 POCs.") var yes = false

    func validate() throws {
        if to == nil && state == nil && role == nil { throw ValidationError("give --to, or --state and/or --role") }
        if to != nil && (state != nil || role != nil) { throw ValidationError("give either --to or --state/--role, not both") }
    }

    func recipients(_ client: PocClient) async throws -> [POCID] {
        let ids = try parseIDs(to)
        if !ids.isEmpty { return ids }  // checked against the directory (or the pins, offline) when sealing
        let directory = try await client.verifiedDirectory()
        return try client.recipients(to: [], state: state?.code, role: role, in: directory)
    }

    /// Asks before a message reaching more than one state or more than 10
    /// POCs goes (``BroadcastCheck``): who and how many, default no. Without
    /// a terminal it is refused (64) unless `--yes`.
    func confirm(_ recipients: [POCID], client: PocClient) async throws {
        guard !yes else { return }
        let check = try await client.broadcastCheck(recipients)
        guard check.requiresConfirmation else { return }
        let prompt =
            "This message would go to \(check.count):\n" + check.summary.map { "  \($0)\n" }.joined()
            + "Send it to all \(check.pocCount) POCs? [y/N] "
        guard let answer = PocEnvironment.current.linePrompt(prompt) else {
            throw check.refusal(
                hint: "name the recipients with --to, or narrow them with --state and --role; add --yes to send to all \(check.pocCount)")
        }
        guard ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw PocError("not sent", hint: "nothing left this computer")
        }
    }
}

/// Prints the `sent` line: urgency, type, id and recipients.
func reportSent(_ outcome: SendOutcome, message: InnerMessage) throws {
    guard case .accepted(let response) = outcome else { return try report(outcome, id: message.id, to: message.to) }
    PocEnvironment.current.write(sentLine(message, acceptedAt: response.acceptedAt))
}

/// "sent IMMEDIATE message ID to DEU-TEC-1 (accepted T)": the line of
/// `poc send`, `poc rfi`, `poc respond` and `poc sync`.
func sentLine(_ message: InnerMessage, acceptedAt: Timestamp?) -> String {
    let to =
        message.to.count <= 3
        ? message.to.map(\.rawValue).joined(separator: ", ")
        : BroadcastCheck(recipients: message.to, stateOf: { _ in nil }).count
    let accepted = acceptedAt.map { " (accepted \($0))" } ?? ""
    return "sent \(message.urgency.rawValue.uppercased()) \(message.type.rawValue) \(message.id) to \(to)\(accepted)"
}

/// `poc send`.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seal, sign and send a message.",
        discussion: """
            The body comes from --body, --body-file, --edit ($VISUAL or $EDITOR), or standard input; on a \
            terminal, type it and end with Ctrl-D on a line of its own. An empty body needs --allow-empty.

            A message reaching more than one state or more than 10 POCs is sent only after you confirm (or with \
            --yes).

            Examples:
              poc send --to DEU-TEC-1 --urgency immediate --subject "Scanning" --body "From 192.0.2.0/24 since 09:12 UTC"
              poc send --to DEU-TEC-1 --subject "Logs" --body-file notes.txt --attach scan.log
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var sending: SendingOptions
    @Option(help: "The subject.") var subject: String
    @Option(help: "The body text.") var body: String?
    @Option(help: "Read the body from this file.") var bodyFile: String?
    @Option(help: "Attach a file (repeatable). Files grow by a third when encoded: with the relay's default 1 MiB limit, about 780 KB fit in all.")
    var attach: [String] = []
    @Option(help: "message or notice.") var type: String = "message"
    @Flag(help: "Write the body in $VISUAL or $EDITOR.") var edit = false
    @Flag(help: "Send even if the body is empty.") var allowEmpty = false

    func validate() throws {
        if [body != nil, bodyFile != nil, edit].filter({ $0 }).count > 1 { throw ValidationError("give only one of --body, --body-file and --edit") }
    }

    func run() async throws {
        guard let messageType = MessageType(rawValue: type), [.message, .notice].contains(messageType) else {
            throw PocError.usage("--type must be message or notice; use `poc rfi`, `poc respond`, `poc forward` for the others")
        }
        let attachments = try attach.map(readAttachment)
        try await global.withClient { client in
            let recipients = try await sending.recipients(client)
            try await sending.confirm(recipients, client: client)
            let text = try bodyText()
            let message = InnerMessage(
                from: client.me, to: recipients, urgency: sending.urgency, exercise: sending.exercise, type: messageType,
                consentToShare: sending.share, tlp: sending.tlp, subject: subject, body: text, attachments: attachments.isEmpty ? nil : attachments)
            try reportSent(try await client.send(message), message: message)
            await client.refreshDeliveries()  // best effort: earlier messages' receipts reach the record
        }
    }

    /// The body from --body, --body-file, the editor or standard input; empty only with --allow-empty.
    func bodyText() throws -> String {
        let text: String
        if let body {
            text = body
        } else if let bodyFile {
            text = String(decoding: try LocalFile.contents(of: bodyFile), as: UTF8.self)
        } else if edit {
            text = try BodyEditor.edit()
        } else {
            if isatty(STDIN_FILENO) == 1 { PocEnvironment.current.error("poc: type the body, end with Ctrl-D on a line of its own") }
            text = String(decoding: PocEnvironment.current.readInput(), as: UTF8.self)
        }
        if !allowEmpty && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw PocError.usage("the body is empty; nothing sent", hint: "give --body, --body-file or --edit, or add --allow-empty")
        }
        return text
    }
}

func readAttachment(_ path: String) throws -> Attachment {
    let data = try LocalFile.contents(of: path, what: "the attachment")
    let name = (path as NSString).lastPathComponent
    return Attachment(name: name, mediaType: AttachmentMediaType.of(fileName: name), data: data)
}

/// `poc rfi`: the request-for-information template (R10).
struct RFI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfi", abstract: "Send a request for information; any field may stay empty.",
        discussion: """
            A request reaching more than one state or more than 10 POCs is sent only after you confirm (or with \
            --yes).

            Examples:
              poc rfi --to DEU-TEC-1 --urgency immediate --incident-nature scanning --information-requested "Is 192.0.2.0/24 known to you?"
            """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var sending: SendingOptions
    @Option(help: "Subject (default from the incident nature).") var subject: String?
    @Option var requesterName: String?
    @Option var requesterAffiliation: String?
    @Option var incidentNature: String?
    @Option var incidentDescription: String?
    @Option var informationRequested: String?
    @Option var contact: String?
    @Option var preferredChannel: String?
    @Option var leadAgency: String?
    @Flag(help: "Fill the form in $EDITOR.") var edit = false

    func run() async throws {
        var fields = RFIFields()
        fields.requesterName = requesterName ?? ""
        fields.requesterAffiliation = requesterAffiliation ?? ""
        fields.incidentNature = incidentNature ?? ""
        fields.incidentDescription = incidentDescription ?? ""
        fields.informationRequested = informationRequested ?? ""
        fields.contact = contact ?? ""
        fields.preferredChannel = preferredChannel ?? ""
        fields.leadAgency = leadAgency ?? ""
        if edit { fields = try RFIForm.edit(fields) }
        let formFields = fields
        try await global.withClient { client in
            let recipients = try await sending.recipients(client)
            try await sending.confirm(recipients, client: client)
            let message = try RFIForm.message(
                from: client.me, to: recipients, urgency: sending.urgency, exercise: sending.exercise, consentToShare: sending.share,
                tlp: sending.tlp, subject: subject, fields: formFields)
            try reportSent(try await client.send(message), message: message)
            await client.refreshDeliveries()  // best effort: earlier messages' receipts reach the record
        }
    }
}

extension RFIForm {
    /// The form in $VISUAL or $EDITOR, read back with ``RFIForm/parse(_:)``.
    static func edit(_ fields: RFIFields) throws -> RFIFields {
        let form = "# Request for information. Any field may stay empty. Lines starting with # are ignored.\n" + render(fields) + "\n"
        return parse(try BodyEditor.run(form))
    }
}

/// `poc respond`: answer or acknowledge a request (R10, R11).
struct Respond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a request, or acknowledge its receipt with an estimated response time.",
        discussion: """
            An acknowledgement says the request was received. It is not agreement with, or endorsement of, its \
            content, and does not prejudge the responding state's position.

            Examples:
              poc respond ID --acknowledge --eta 24h --lead-agency CERT-FR
              poc respond ID --answer "The range belongs to a research scanner."
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The id of the request.") var requestID: MessageIDArgument
    @Option(help: "The answer.") var answer: String?
    @Flag(help: "Acknowledge receipt only.") var acknowledge = false
    @Option(help: "Estimated response time, e.g. 24h (with --acknowledge).", transform: durationOption) var eta: DurationArgument?
    @Option var preferredChannel: String?
    @Option var leadAgency: String?
    @Option(help: "Urgency (default: the request's).") var urgency: Urgency?

    func validate() throws {
        if (answer == nil) == (!acknowledge) { throw ValidationError("give either --answer TEXT or --acknowledge") }
        if eta != nil && !acknowledge { throw ValidationError("--eta goes with --acknowledge") }
    }

    func run() async throws {
        try await global.withClient { client in
            let reply: RFIReply = answer.map { .answer($0) } ?? .acknowledge(etaSeconds: eta?.seconds)
            let (message, outcome) = try await client.respond(
                to: requestID.id, with: reply, preferredChannel: preferredChannel, leadAgency: leadAgency, urgency: urgency)
            try reportSent(outcome, message: message)
            await client.refreshDeliveries()  // best effort: earlier messages' receipts reach the record
        }
    }
}

/// `poc forward`.
struct Forward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forward a message to a third party, with its original signature and the consents that allow it.",
        discussion: """
            Refused unless the original consents to sharing, or every other party granted consent for this third \
            party. Each party's latest answer counts: a denial after a grant withdraws it. TLP:RED and \
            TLP:AMBER+STRICT messages always need every party's consent, whatever the sender's --share; the \
            forward keeps the label.

            Examples:
              poc forward 1a2b3c4d5e6f708192a3b4c5d6e7f809 --to KOR-TEC-1 --note "Shared with the consent of all parties."
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The message id.") var messageID: MessageIDArgument
    @Option(help: "The third party's POC id.") var to: POCIDArgument
    @Option(help: "A note to the third party.") var note: String = ""

    func run() async throws {
        try await global.withClient { client in
            let outcome = try await client.forward(messageID.id, to: to.id, note: note, urgency: nil)
            if case .accepted = outcome {
                global.environment.write("forwarded \(messageID.id) to \(to.id)")
                await client.refreshDeliveries()  // best effort: earlier messages' receipts reach the record
            }
            if case .queued = outcome { try report(outcome, id: messageID.id, to: [to.id]) }
        }
    }
}

/// `poc consent`.
struct Consent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask for, grant or deny consent to share a message.",
        discussion: """
            Your latest answer counts: `poc consent deny` after `poc consent grant` withdraws the consent, and \
            the forward is refused once the denial is in the forwarder's record.

            Examples:
              poc consent request 1a2b3c4d5e6f708192a3b4c5d6e7f809 --third-party KOR-TEC-1 --reason "The same range scans KrCERT/CC."
              poc consent grant 9f86d081884c7d659a2feaa0c55ad015
              poc consent deny 9f86d081884c7d659a2feaa0c55ad015
            """,
        subcommands: [Request.self, Grant.self, Deny.self])

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask every other party of a message for consent to share it with a third party.",
            discussion: """
                Examples:
                  poc consent request 1a2b3c4d5e6f708192a3b4c5d6e7f809 --third-party KOR-TEC-1 --reason "The same range scans KrCERT/CC."
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message id.") var messageID: MessageIDArgument
        @Option(help: "The third party's POC id.") var thirdParty: POCIDArgument
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await global.withClient { client in
                let outcome = try await client.requestConsent(messageID.id, thirdParty: thirdParty.id, reason: reason)
                if case .accepted = outcome {
                    global.environment.write("asked for consent to share \(messageID.id) with \(thirdParty.id)")
                    await client.refreshDeliveries()  // best effort: earlier messages' receipts reach the record
                }
                if case .queued = outcome { try report(outcome, id: messageID.id, to: []) }
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a consent request.",
            discussion: """
                Examples:
                  poc consent grant 9f86d081884c7d659a2feaa0c55ad015
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent request's message id.") var requestID: MessageIDArgument
        func run() async throws { try await Consent.reply(requestID.id, granted: true, global: global) }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deny a consent request.",
            discussion: """
                Examples:
                  poc consent deny 9f86d081884c7d659a2feaa0c55ad015
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent request's message id.") var requestID: MessageIDArgument
        func run() async throws { try await Consent.reply(requestID.id, granted: false, global: global) }
    }

    /// Sends the consent reply for `grant` and `deny`.
    static func reply(_ requestID: MessageID, granted: Bool, global: GlobalOptions) async throws {
        try await global.withClient { client in
            let outcome = try await client.replyToConsent(requestID, granted: granted)
            if case .accepted = outcome {
                global.environment.write("\(granted ? "granted" : "denied") consent (request \(requestID))")
                await client.refreshDeliveries()  // best effort: earlier messages' receipts reach the record
            }
            if case .queued = outcome { try report(outcome, id: requestID, to: []) }
        }
    }
}
