/// Why the relay sent an alert (section 10).
public enum AlertReason: String, Hashable, Sendable, WireEnumeration, CustomStringConvertible {
    /// A message of a chosen urgency is still unfetched `alert_after` seconds after acceptance.
    case waiting
    /// The receipt window of the urgency ended without a receipt: the state's other POCs are told.
    case escalation
    /// `POST /v1/alerts/me/test`.
    case test

    public var description: String { rawValue }
}

/// Where an alert goes: the two kinds of channel a POC may set (section 10).
public enum AlertChannel: String, Hashable, Sendable, WireEnumeration, CustomStringConvertible {
    /// One e-mail address, sent through the host's sendmail-compatible program.
    case email
    /// An `https://` URL that receives a signed JSON `POST`.
    case webhook

    public var description: String { rawValue }
}
