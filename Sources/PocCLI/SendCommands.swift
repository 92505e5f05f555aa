import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import ProcessLaunch
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
}

/// `poc send`.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seal, sign and send a message.",
        discussion: """
            The body comes from --body, --body-file, or standard input.
            Example: poc send --to DEU-TEC-1 --urgency immediate --subject "Scanning" --body "From 192.0.2.0/24 since 09:12 UTC"
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var sending: SendingOptions
    @Option(help: "The subject.") var subject: String
    @Option(help: "The body text.") var body: String?
    @Option(help: "Read the body from this file.") var bodyFile: String?
    @Option(help: "Attach a file (repeatable; 1 MiB in all).") var attach: [String] = []
    @Option(help: "message or notice.") var type: String = "message"

    func run() async throws {
        guard let messageType = MessageType(rawValue: type), [.message, .notice].contains(messageType) else {
            throw PocError.usage("--type must be message or notice; use `poc rfi`, `poc respond`, `poc forward` for the others")
        }
        let text = try bodyText()
        let attachments = try attach.map(readAttachment)
        try await global.withClient { client in
            let recipients = try await sending.recipients(client)
            let message = InnerMessage(
                from: client.me, to: recipients, urgency: sending.urgency, exercise: sending.exercise, type: messageType,
                consentToShare: sending.share, tlp: sending.tlp, subject: subject, body: text, attachments: attachments.isEmpty ? nil : attachments)
            try report(try await client.send(message), id: message.id, to: recipients)
        }
    }

    func bodyText() throws -> String {
        if let body { return body }
        if let bodyFile {
            guard let data = FileManager.default.contents(atPath: bodyFile) else { throw PocError.usage("cannot read \(bodyFile)") }
            return String(decoding: data, as: UTF8.self)
        }
        return String(decoding: PocEnvironment.current.readInput(), as: UTF8.self)
    }
}

func readAttachment(_ path: String) throws -> Attachment {
    guard let data = FileManager.default.contents(atPath: path) else { throw PocError.usage("cannot read the attachment \(path)") }
    guard data.count < (1 << 20) - 4096 else { throw PocError.usage("\(path) is larger than the 1 MiB message limit") }
    let types = [
        "txt": "text/plain", "csv": "text/csv", "json": "application/json", "pdf": "application/pdf", "png": "image/png",
        "jpg": "image/jpeg", "zip": "application/zip", "xml": "application/xml", "stix": "application/stix+json",
    ]
    let ext = (path as NSString).pathExtension.lowercased()
    return Attachment(name: (path as NSString).lastPathComponent, mediaType: types[ext] ?? "application/octet-stream", data: data)
}

/// `poc rfi`: the request-for-information template (R10).
struct RFI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfi", abstract: "Send a request for information; any field may stay empty.",
        discussion:
            "Example: poc rfi --to DEU-TEC-1 --urgency immediate --incident-nature scanning --information-requested \"Is 192.0.2.0/24 known to you?\""
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
            var message = InnerMessage(
                from: client.me, to: recipients, urgency: sending.urgency, exercise: sending.exercise, type: .rfi,
                consentToShare: sending.share, tlp: sending.tlp,
                subject: subject ?? "Request for information\(formFields.incidentNature.isEmpty ? "" : ": \(formFields.incidentNature)")",
                body: RFIForm.render(formFields))
            try message.setTemplateFields(formFields)
            try report(try await client.send(message), id: message.id, to: recipients)
        }
    }
}

/// The RFI form as `field: value` lines, for $EDITOR and for the body text.
enum RFIForm {
    nonisolated(unsafe) static let labels: [(String, WritableKeyPath<RFIFields, String>)] = [  // immutable after init
        ("Requester name", \.requesterName), ("Requester affiliation", \.requesterAffiliation),
        ("Nature of the incident", \.incidentNature), ("Description of the incident", \.incidentDescription),
        ("Information requested", \.informationRequested), ("Contact", \.contact),
        ("Preferred channel", \.preferredChannel), ("Lead agency", \.leadAgency),
    ]

    static func render(_ fields: RFIFields) -> String {
        labels.map { "\($0.0): \(fields[keyPath: $0.1])" }.joined(separator: "\n")
    }

    static func edit(_ fields: RFIFields) throws -> RFIFields {
        let environment = PocEnvironment.current
        let editor = environment.variables["VISUAL"] ?? environment.variables["EDITOR"] ?? "vi"
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("poc-rfi-\(UUID().uuidString).txt")
        let form = "# Request for information. Any field may stay empty. Lines starting with # are ignored.\n" + render(fields) + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(form.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw PocError("cannot write the form")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let editorProcess = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "\(editor) \"$1\"", "poc-editor", path],
            environment: ProcessInfo.processInfo.environment.merging(environment.variables) { $1 }, input: .inherit,
            standardOutput: .inherit, standardError: .inherit)
        let status = editorProcess.waitUntilExit()
        guard status == 0, let data = FileManager.default.contents(atPath: path) else {
            throw PocError("the editor exited with status \(status); nothing sent")
        }
        var result = RFIFields()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let label = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let keyPath = labels.first(where: { $0.0 == label })?.1 { result[keyPath: keyPath] = value }
        }
        return result
    }
}

/// `poc respond`: answer or acknowledge a request (R10, R11).
struct Respond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a request, or acknowledge its receipt with an estimated response time.",
        discussion: """
            An acknowledgement says the request was received. It is not agreement with, or endorsement of,
            its content, and does not prejudge the responding state's position.
            Examples: poc respond ID --acknowledge --eta 24h --lead-agency CERT-FR
                      poc respond ID --answer "The range belongs to a research scanner."
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The id of the request.") var requestID: MessageIDArgument
    @Option(help: "The answer.") var answer: String?
    @Flag(help: "Acknowledge receipt only.") var acknowledge = false
    @Option(help: "Estimated response time, e.g. 24h (with --acknowledge).") var eta: DurationArgument?
    @Option var preferredChannel: String?
    @Option var leadAgency: String?
    @Option(help: "Urgency (default: the request's).") var urgency: Urgency?

    func validate() throws {
        if (answer == nil) == (!acknowledge) { throw ValidationError("give either --answer TEXT or --acknowledge") }
        if eta != nil && !acknowledge { throw ValidationError("--eta goes with --acknowledge") }
    }

    func run() async throws {
        try await global.withClient { client in
            let (_, request) = try client.recorded(requestID.id)
            let etaTime = eta.map { Timestamp.now().adding(seconds: $0.seconds) }
            let body: String
            if let answer {
                body = answer
            } else {
                body =
                    "Receipt of your request \(requestID.id) is acknowledged. This acknowledgement does not constitute agreement with, "
                    + "or endorsement of, its content, and does not prejudge our position."
                    + (etaTime.map { " Estimated response time: \($0)." } ?? "")
            }
            var message = InnerMessage(
                from: client.me, to: [request.from], urgency: urgency ?? request.urgency, exercise: request.exercise, type: .rfiResponse,
                subject: "Re: \(request.subject)", body: body, inReplyTo: requestID.id)
            try message.setTemplateFields(
                RFIResponseFields(
                    mode: answer == nil ? .acknowledge : .answer, eta: etaTime, preferredChannel: preferredChannel, leadAgency: leadAgency))
            try report(try await client.send(message), id: message.id, to: [request.from])
        }
    }
}

/// `poc forward`.
struct Forward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forward a message to a third party, with its original signature and the consents that allow it (R12).",
        discussion: "Refused unless the original consents to sharing, or every other party granted consent for this third party.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The message id.") var messageID: MessageIDArgument
    @Option(help: "The third party's POC id.") var to: POCIDArgument
    @Option(help: "A note to the third party.") var note: String = ""

    func run() async throws {
        try await global.withClient { client in
            let outcome = try await client.forward(messageID.id, to: to.id, note: note, urgency: nil)
            if case .accepted = outcome { global.environment.write("forwarded \(messageID.id) to \(to.id)") }
            if case .queued = outcome { try report(outcome, id: messageID.id, to: [to.id]) }
        }
    }
}

/// `poc consent`.
struct Consent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask for, grant or deny consent to share a message (R12).", subcommands: [Request.self, Grant.self, Deny.self])

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask every other party of a message for consent to share it with a third party.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message id.") var messageID: MessageIDArgument
        @Option(help: "The third party's POC id.") var thirdParty: POCIDArgument
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await global.withClient { client in
                let outcome = try await client.requestConsent(messageID.id, thirdParty: thirdParty.id, reason: reason)
                if case .accepted = outcome { global.environment.write("asked for consent to share \(messageID.id) with \(thirdParty.id)") }
                if case .queued = outcome { try report(outcome, id: messageID.id, to: []) }
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a consent request.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent request's message id.") var requestID: MessageIDArgument
        func run() async throws { try await Consent.reply(requestID.id, granted: true, global: global) }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a consent request.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent request's message id.") var requestID: MessageIDArgument
        func run() async throws { try await Consent.reply(requestID.id, granted: false, global: global) }
    }

    /// Sends the consent reply for `grant` and `deny`.
    static func reply(_ requestID: MessageID, granted: Bool, global: GlobalOptions) async throws {
        try await global.withClient { client in
            let outcome = try await client.replyToConsent(requestID, granted: granted)
            if case .accepted = outcome { global.environment.write("\(granted ? "granted" : "denied") consent (request \(requestID))") }
            if case .queued = outcome { try report(outcome, id: requestID, to: []) }
        }
    }
}
