import Foundation
import PocKit
import RelayProtocol

/// Everything the compose form holds, as typed: read from the posted form (or
/// a GET's query for a link such as `/compose?to=ID`), written back into the
/// form after an error, a search or Back, and carried as hidden inputs by the
/// confirmation page. Nothing here is checked; ``ComposeDraft/checked(_:)`` does that.
struct ComposeDraft {
    var type = "message"
    var to = ""
    var state = ""
    var role = ""
    var query = ""
    var urgency = "routine"
    var tlp = ""
    var share = false
    var exercise = false
    var subject = ""
    var body = ""
    var inReplyTo = ""
    var rfi: [String: String] = [:]
    /// The comma-separated recipients the user confirmed on the confirmation page.
    var confirmed = ""
    /// The id the message will have, chosen when the form is first shown and
    /// kept through errors, Back and the confirmation: a form sent twice (a
    /// double click, the browser's Back and Send again) is recognised, not sent twice.
    var messageID = MessageID.random().rawValue
    /// The files attached: uploaded with this form, or kept from the form before.
    var attachments: [File] = []

    /// A file attached, its media type from its name as `poc send --attach` gives it.
    struct File {
        var name: String
        var data: Data
        var mediaType: String { AttachmentMediaType.of(fileName: name) }
    }

    /// At most this many files are kept from one form to the next.
    static let maximumAttachments = 20

    /// The eight RFI fields: form name, catalog key (core's `field.` keys), key path.
    nonisolated(unsafe) static let rfiFields: [(name: String, path: WritableKeyPath<RFIFields, String>)] = [  // immutable after init
        ("requester_name", \.requesterName), ("requester_affiliation", \.requesterAffiliation),
        ("incident_nature", \.incidentNature), ("incident_description", \.incidentDescription),
        ("information_requested", \.informationRequested), ("contact", \.contact), ("preferred_channel", \.preferredChannel),
        ("lead_agency", \.leadAgency),
    ]

    /// The longest text kept from one field (a body may be long; the size rule judges it when sending).
    static let maximumFieldLength = 2_000_000

    init() {}

    /// Reads a draft through `value` (a form's or a query's lookup) and the
    /// files uploaded with it; line breaks as browsers send them (CRLF) become
    /// LF, as typed in a terminal. Files kept from the form before come back as
    /// `kept_name_N` and `kept_data_N` (base64), unless `kept_remove_N` is ticked.
    init(_ value: (String) -> String?, files: [FormFields.UploadedFile] = []) {
        func text(_ name: String) -> String {
            String((value(name) ?? "").replacingOccurrences(of: "\r\n", with: "\n").prefix(Self.maximumFieldLength))
        }
        type = text("type").isEmpty ? "message" : text("type")
        to = text("to")
        state = text("state").trimmingCharacters(in: .whitespaces).uppercased()
        role = text("role")
        query = text("q")
        urgency = text("urgency").isEmpty ? "routine" : text("urgency")
        tlp = text("tlp")
        share = value("share") == "1"
        exercise = value("exercise") == "1"
        subject = text("subject")
        body = text("body")
        inReplyTo = text("in_reply_to")
        for field in Self.rfiFields { rfi[field.name] = text("rfi_\(field.name)") }
        confirmed = text("confirmed")
        if let id = value("message_id").flatMap({ try? MessageID($0) }) { messageID = id.rawValue }
        // Ticked search results (pick0, pick1, ...) join the ids typed.
        var picked: [String] = []
        for index in 0..<ComposePage.maximumResults {
            if let id = value("pick\(index)"), !id.isEmpty { picked.append(id) }
        }
        if !picked.isEmpty { addRecipients(picked) }
        for index in 0..<Self.maximumAttachments {
            guard let name = value("kept_name_\(index)"), !name.isEmpty, value("kept_remove_\(index)") != "1",
                let data = value("kept_data_\(index)").flatMap({ Data(base64Encoded: $0) })
            else { continue }
            attachments.append(File(name: name, data: data))
        }
        for file in files where attachments.count < Self.maximumAttachments {
            attachments.append(File(name: file.fileName.isEmpty ? "attachment" : file.fileName, data: Data(file.bytes)))
        }
    }

    /// Adds ids to `to`, each once.
    mutating func addRecipients(_ ids: [String]) {
        var list = Self.split(to)
        for id in ids where !list.contains(id) { list.append(id) }
        to = list.joined(separator: ", ")
    }

    /// The ids of a comma-separated list, trimmed, empty ones dropped.
    static func split(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Every field as a hidden input (the confirmation page's form).
    var hiddenFields: [(name: String, value: String)] {
        var fields: [(String, String)] = [
            ("type", type), ("to", to), ("state", state), ("role", role), ("urgency", urgency), ("tlp", tlp), ("subject", subject),
            ("body", body), ("in_reply_to", inReplyTo), ("message_id", messageID),
        ]
        if share { fields.append(("share", "1")) }
        if exercise { fields.append(("exercise", "1")) }
        for field in Self.rfiFields { fields.append(("rfi_\(field.name)", rfi[field.name] ?? "")) }
        for (index, file) in attachments.enumerated() {
            fields.append(("kept_name_\(index)", file.name))
            fields.append(("kept_data_\(index)", file.data.base64EncodedString()))
        }
        return fields
    }

    /// The RFI fields as typed.
    var rfiValues: RFIFields {
        var fields = RFIFields()
        for field in Self.rfiFields { fields[keyPath: field.path] = (rfi[field.name] ?? "").trimmingCharacters(in: .whitespaces) }
        return fields
    }

    /// A draft whose every field is valid, ready to become a message once
    /// its recipients are resolved.
    struct Checked {
        var type: MessageType
        var ids: [POCID]
        var state: StateCode?
        var role: Role?
        var urgency: Urgency
        var tlp: TLPLabel?
        var inReplyTo: MessageID?
    }

    /// Checks each field; the error is a sentence in the catalog's language.
    func checked(_ t: Catalog) -> Result<Checked, ComposeError> {
        guard let messageType = MessageType(rawValue: type), [.message, .notice, .rfi].contains(messageType) else {
            return .failure(ComposeError(t["compose.error.type"]))
        }
        var ids: [POCID] = []
        for text in Self.split(to) {
            guard let id = try? POCID(text) else { return .failure(ComposeError(t.format("compose.error.bad_id", ["id": text]))) }
            if !ids.contains(id) { ids.append(id) }
        }
        var stateCode: StateCode?
        if !state.isEmpty {
            guard let code = try? StateCode(state) else { return .failure(ComposeError(t.format("compose.error.bad_state", ["state": state]))) }
            stateCode = code
        }
        var roleValue: Role?
        if !role.isEmpty {
            guard let value = Role(rawValue: role) else { return .failure(ComposeError(t["compose.error.bad_role"])) }
            roleValue = value
        }
        if !ids.isEmpty && (stateCode != nil || roleValue != nil) { return .failure(ComposeError(t["compose.error.both"])) }
        if ids.isEmpty && stateCode == nil && roleValue == nil { return .failure(ComposeError(t["compose.error.no_recipient"])) }
        guard let urgencyValue = Urgency(rawValue: urgency) else { return .failure(ComposeError(t["compose.error.urgency"])) }
        var label: TLPLabel?
        if !tlp.isEmpty {
            guard let value = TLPLabel(rawValue: tlp) else { return .failure(ComposeError(t["compose.error.tlp"])) }
            label = value
        }
        if messageType != .rfi && body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(ComposeError(t["compose.error.empty_body"]))
        }
        var reply: MessageID?
        if !inReplyTo.isEmpty {
            guard let id = try? MessageID(inReplyTo) else { return .failure(ComposeError(t["compose.error.reply"])) }
            reply = id
        }
        return .success(
            Checked(type: messageType, ids: ids, state: stateCode, role: roleValue, urgency: urgencyValue, tlp: label, inReplyTo: reply))
    }

    /// The message to send to `recipients`, built as `poc send` and `poc rfi` build it
    /// (an RFI through PocKit's ``PocKit/RFIForm``: body from the fields, default subject).
    func message(_ checked: Checked, from me: POCID, to recipients: [POCID]) throws(PocError) -> InnerMessage {
        let files = attachments.map { Attachment(name: $0.name, mediaType: $0.mediaType, data: $0.data) }
        var message: InnerMessage
        if checked.type == .rfi {
            message = try RFIForm.message(
                from: me, to: recipients, urgency: checked.urgency, exercise: exercise, consentToShare: share, tlp: checked.tlp,
                subject: subject, inReplyTo: checked.inReplyTo, fields: rfiValues)
        } else {
            message = InnerMessage(
                from: me, to: recipients, urgency: checked.urgency, exercise: exercise, type: checked.type, consentToShare: share,
                tlp: checked.tlp, subject: subject, body: body, inReplyTo: checked.inReplyTo)
        }
        message.attachments = files.isEmpty ? nil : files
        if let id = try? MessageID(messageID) { message.id = id }
        return message
    }
}

/// A user error of the compose form, already in the user's language.
struct ComposeError: Error {
    let text: String
    init(_ text: String) { self.text = text }
}
