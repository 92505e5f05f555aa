import Foundation
public import RelayProtocol

/// The request-for-information template (R10) as every interface sends it:
/// the eight fields of ``RelayProtocol/RFIFields`` (any may stay empty), the
/// body written from them as `label: value` lines, and the default subject
/// from the nature of the incident. `poc rfi` and `poc ui` build the same message.
///
/// ```swift
/// var fields = RFIFields()
/// fields.incidentNature = "scanning"
/// let message = try RFIForm.message(from: me, to: [deu], urgency: .flash, fields: fields)
/// // subject "Request for information: scanning"
/// ```
public enum RFIForm {
    /// The English label of each field, in the template's order (the body's lines).
    // Immutable after initialisation, so reading it from any thread is safe.
    nonisolated(unsafe) public static let labels: [(label: String, field: WritableKeyPath<RFIFields, String>)] = [
        ("Requester name", \.requesterName), ("Requester affiliation", \.requesterAffiliation),
        ("Nature of the incident", \.incidentNature), ("Description of the incident", \.incidentDescription),
        ("Information requested", \.informationRequested), ("Contact", \.contact),
        ("Preferred channel", \.preferredChannel), ("Lead agency", \.leadAgency),
    ]

    /// The fields as `label: value` lines: the message body, and the form `poc rfi --edit` opens.
    public static func render(_ fields: RFIFields) -> String {
        labels.map { "\($0.label): \(fields[keyPath: $0.field])" }.joined(separator: "\n")
    }

    /// Reads `label: value` lines back (unknown labels and lines starting with `#` are ignored).
    public static func parse(_ text: String) -> RFIFields {
        var result = RFIFields()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let label = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let keyPath = labels.first(where: { $0.label == label })?.field { result[keyPath: keyPath] = value }
        }
        return result
    }

    /// "Request for information", with ": NATURE" when the nature of the incident is given.
    public static func defaultSubject(_ fields: RFIFields) -> String {
        "Request for information\(fields.incidentNature.isEmpty ? "" : ": \(fields.incidentNature)")"
    }

    /// The RFI message: the body from the fields, the fields as the template's,
    /// and the default subject when `subject` is `nil` or empty (or blank).
    /// - Throws: a ``PocError`` if the fields cannot be encoded.
    public static func message(
        from: POCID, to recipients: [POCID], urgency: Urgency, exercise: Bool = false, consentToShare: Bool = false,
        tlp: TLPLabel? = nil, subject: String? = nil, inReplyTo: MessageID? = nil, fields: RFIFields
    ) throws(PocError) -> InnerMessage {
        let given = subject?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var message = InnerMessage(
            from: from, to: recipients, urgency: urgency, exercise: exercise, type: .rfi, consentToShare: consentToShare, tlp: tlp,
            subject: given.isEmpty ? defaultSubject(fields) : given, body: render(fields), inReplyTo: inReplyTo)
        do { try message.setTemplateFields(fields) } catch { throw PocError("cannot encode the request's fields") }
        return message
    }
}
