/// Fields of a request for information (`rfi`, section 4.5). Every field may
/// be empty: a request goes out even when information is missing (R10).
public struct RFIFields: Hashable, Sendable, Codable {
    public var requesterName = ""
    public var requesterAffiliation = ""
    public var incidentNature = ""
    public var incidentDescription = ""
    public var informationRequested = ""
    public var contact = ""
    public var preferredChannel = ""
    public var leadAgency = ""

    enum CodingKeys: String, CodingKey {
        case requesterName = "requester_name", requesterAffiliation = "requester_affiliation"
        case incidentNature = "incident_nature", incidentDescription = "incident_description"
        case informationRequested = "information_requested", contact
        case preferredChannel = "preferred_channel", leadAgency = "lead_agency"
    }

    /// Empty fields.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func field(_ key: CodingKeys) throws -> String { try c.decodeIfPresent(String.self, forKey: key) ?? "" }
        requesterName = try field(.requesterName)
        requesterAffiliation = try field(.requesterAffiliation)
        incidentNature = try field(.incidentNature)
        incidentDescription = try field(.incidentDescription)
        informationRequested = try field(.informationRequested)
        contact = try field(.contact)
        preferredChannel = try field(.preferredChannel)
        leadAgency = try field(.leadAgency)
    }
}

/// How a response answers a request (R10).
public enum ResponseMode: String, Hashable, Sendable, WireEnumeration {
    /// The response carries the answer.
    case answer
    /// Acknowledges receipt only, with an estimated response time. Not an
    /// endorsement of the content (R11).
    case acknowledge
}

/// Fields of an `rfi-response` (section 4.5).
public struct RFIResponseFields: Hashable, Sendable, Codable {
    public var mode: ResponseMode
    public var eta: Timestamp?
    public var preferredChannel: String?
    public var leadAgency: String?

    enum CodingKeys: String, CodingKey {
        case mode, eta, preferredChannel = "preferred_channel", leadAgency = "lead_agency"
    }

    /// Creates fields.
    public init(mode: ResponseMode, eta: Timestamp? = nil, preferredChannel: String? = nil, leadAgency: String? = nil) {
        self.mode = mode
        self.eta = eta
        self.preferredChannel = preferredChannel
        self.leadAgency = leadAgency
    }
}

/// Fields of a `consent-request` (section 4.5, R12).
public struct ConsentRequestFields: Hashable, Sendable, Codable {
    public var messageID: MessageID
    public var thirdParty: POCID
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", thirdParty = "third_party", reason
    }

    /// Creates fields.
    public init(messageID: MessageID, thirdParty: POCID, reason: String) {
        self.messageID = messageID
        self.thirdParty = thirdParty
        self.reason = reason
    }
}

/// Fields of a `consent-reply` (section 4.5, R12).
public struct ConsentReplyFields: Hashable, Sendable, Codable {
    public var messageID: MessageID
    public var thirdParty: POCID
    public var granted: Bool

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", thirdParty = "third_party", granted
    }

    /// Creates fields.
    public init(messageID: MessageID, thirdParty: POCID, granted: Bool) {
        self.messageID = messageID
        self.thirdParty = thirdParty
        self.granted = granted
    }
}

/// Fields of a `forward` (section 4.5): the original signed bytes and the
/// consents that allow sharing it.
public struct ForwardFields: Hashable, Sendable, Codable {
    /// `sig || inner` of the original message.
    public var original: Base64Bytes
    /// `sig || inner` of each granting consent reply.
    public var consents: [Base64Bytes]

    /// Creates fields.
    public init(original: Base64Bytes, consents: [Base64Bytes]) {
        self.original = original
        self.consents = consents
    }
}
