public import Foundation

/// The kind of an inner message (section 4.1).
public enum MessageType: String, Hashable, Sendable, WireEnumeration {
    case message, rfi
    case rfiResponse = "rfi-response"
    case notice
    case consentRequest = "consent-request"
    case consentReply = "consent-reply"
    case forward
}

/// A Traffic Light Protocol 2.0 label.
public enum TLPLabel: String, Hashable, Sendable, WireEnumeration {
    case clear = "CLEAR", green = "GREEN", amber = "AMBER"
    case amberStrict = "AMBER+STRICT"
    case red = "RED"
}

/// A file carried inside a message.
public struct Attachment: Hashable, Sendable, Codable {
    public var name: String
    public var mediaType: String
    public var data: Base64Bytes

    enum CodingKeys: String, CodingKey {
        case name, mediaType = "media_type", data
    }

    /// Creates an attachment.
    public init(name: String, mediaType: String, data: Data) {
        self.name = name
        self.mediaType = mediaType
        self.data = Base64Bytes(data)
    }
}

/// The plaintext of a message (section 4.1), seen only by its sender and recipients.
///
/// Its serialised bytes are what the sender signs; a recipient keeps the exact
/// bytes it received (``OpenedMessage/innerBytes``), never a re-encoding.
public struct InnerMessage: Hashable, Sendable, Codable {
    public var v: Int
    public var id: MessageID
    public var from: POCID
    public var to: [POCID]
    public var sentAt: Timestamp
    public var urgency: Urgency
    public var exercise: Bool
    public var type: MessageType
    public var consentToShare: Bool
    public var tlp: TLPLabel?
    public var subject: String
    public var body: String
    public var inReplyTo: MessageID?
    public var fields: [String: JSONValue]?
    public var attachments: [Attachment]?

    enum CodingKeys: String, CodingKey {
        case v, id, from, to, urgency, exercise, type, tlp, subject, body, fields, attachments
        case sentAt = "sent_at", consentToShare = "consent_to_share", inReplyTo = "in_reply_to"
    }

    /// Creates a message of protocol version 1.
    public init(
        id: MessageID = .random(), from: POCID, to: [POCID], sentAt: Timestamp = .now(), urgency: Urgency,
        exercise: Bool = false, type: MessageType = .message, consentToShare: Bool = false, tlp: TLPLabel? = nil,
        subject: String, body: String, inReplyTo: MessageID? = nil, fields: [String: JSONValue]? = nil,
        attachments: [Attachment]? = nil
    ) {
        self.v = 1
        self.id = id
        self.from = from
        self.to = to
        self.sentAt = sentAt
        self.urgency = urgency
        self.exercise = exercise
        self.type = type
        self.consentToShare = consentToShare
        self.tlp = tlp
        self.subject = subject
        self.body = body
        self.inReplyTo = inReplyTo
        self.fields = fields
        self.attachments = attachments
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        v = try c.decode(Int.self, forKey: .v)
        guard v == 1 else { throw WireError(.unsupportedVersion, field: "v", "only version 1 is supported") }
        id = try c.decode(MessageID.self, forKey: .id)
        from = try c.decode(POCID.self, forKey: .from)
        to = try POCID.list(c.decode([String].self, forKey: .to), field: "to")
        sentAt = try c.decode(Timestamp.self, forKey: .sentAt)
        urgency = try c.decode(Urgency.self, forKey: .urgency)
        exercise = try c.decode(Bool.self, forKey: .exercise)
        type = try c.decode(MessageType.self, forKey: .type)
        consentToShare = try c.decodeIfPresent(Bool.self, forKey: .consentToShare) ?? false
        tlp = try c.decodeIfPresent(TLPLabel.self, forKey: .tlp)
        subject = try c.decode(String.self, forKey: .subject)
        body = try c.decode(String.self, forKey: .body)
        inReplyTo = try c.decodeIfPresent(MessageID.self, forKey: .inReplyTo)
        fields = try c.decodeIfPresent([String: JSONValue].self, forKey: .fields)
        attachments = try c.decodeIfPresent([Attachment].self, forKey: .attachments)
        try Recipients.validate(to)
    }

    /// The UTF-8 JSON bytes to sign, serialised once.
    public func serialized() throws -> Data { try WireJSON.encode(self) }

    /// Parses inner bytes strictly.
    /// - Throws: a `WireError` or a `DecodingError`.
    public static func parse(_ bytes: Data) throws -> InnerMessage { try WireJSON.decode(InnerMessage.self, from: bytes) }

    /// Decodes `fields` as a template's typed fields (section 4.5).
    public func templateFields<T: Decodable>(_ type: T.Type) throws -> T {
        try WireJSON.decode(T.self, from: WireJSON.encode(fields ?? [:]))
    }

    /// Sets `fields` from a template's typed fields.
    public mutating func setTemplateFields(_ value: some Encodable) throws {
        fields = try WireJSON.decode([String: JSONValue].self, from: WireJSON.encode(value))
    }
}

/// Rules on recipient lists shared by inner messages and envelopes.
public enum Recipients {
    /// At least one, no duplicates.
    /// - Throws: ``WireError/Code/invalidField`` or ``WireError/Code/duplicateRecipient``.
    public static func validate(_ to: [POCID]) throws(WireError) {
        guard !to.isEmpty else { throw WireError(.invalidField, field: "to", "name at least one recipient") }
        var seen = Set<POCID>()
        for id in to where !seen.insert(id).inserted {
            throw WireError(.duplicateRecipient, field: "to", "lists \(id) more than once")
        }
    }
}
