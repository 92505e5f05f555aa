public import Foundation
public import Sodium

/// The content-free facts of one alert: the webhook body of section 10, and
/// what the e-mail says in words. Never a subject, body, key, token or,
/// in this version, the sender's id.
public struct AlertNotice: Hashable, Sendable, Codable {
    /// Always `poc-relay.alert`.
    public static let type = "poc-relay.alert"

    /// The relay's id.
    public var relayID: String
    /// 32 lowercase hex digits, the same on every retry: a receiver deduplicates by it.
    public var alertID: String
    public var reason: AlertReason
    /// The POC alerted.
    public var pocID: String
    /// The recipient the message waits for (another POC of the same state for an escalation).
    public var forPOCID: String
    /// The message's urgency; nil for a test.
    public var urgency: Urgency?
    /// True for exercise traffic.
    public var exercise: Bool
    /// How many messages wait for ``forPOCID``.
    public var waiting: Int
    /// When the message was accepted; nil for a test.
    public var acceptedAt: Timestamp?
    /// When the alert was made (the same on every retry).
    public var at: Timestamp

    enum CodingKeys: String, CodingKey {
        case type, relayID = "relay_id", alertID = "alert_id", reason, pocID = "poc_id", forPOCID = "for_poc_id"
        case urgency, exercise, waiting, acceptedAt = "accepted_at", at
    }

    /// Creates the value.
    public init(
        relayID: String, alertID: String, reason: AlertReason, pocID: String, forPOCID: String, urgency: Urgency?,
        exercise: Bool, waiting: Int, acceptedAt: Timestamp?, at: Timestamp
    ) {
        self.relayID = relayID
        self.alertID = alertID
        self.reason = reason
        self.pocID = pocID
        self.forPOCID = forPOCID
        self.urgency = urgency
        self.exercise = exercise
        self.waiting = waiting
        self.acceptedAt = acceptedAt
        self.at = at
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard try c.decode(String.self, forKey: .type) == Self.type else {
            throw WireError(.unknownValue, field: "type", "must be \(Self.type)")
        }
        relayID = try c.decode(String.self, forKey: .relayID)
        alertID = try c.decode(String.self, forKey: .alertID)
        reason = try c.decode(AlertReason.self, forKey: .reason)
        pocID = try c.decode(String.self, forKey: .pocID)
        forPOCID = try c.decode(String.self, forKey: .forPOCID)
        urgency = try c.decodeIfPresent(Urgency.self, forKey: .urgency)
        exercise = try c.decode(Bool.self, forKey: .exercise)
        waiting = try c.decode(Int.self, forKey: .waiting)
        acceptedAt = try c.decodeIfPresent(Timestamp.self, forKey: .acceptedAt)
        at = try c.decode(Timestamp.self, forKey: .at)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.type, forKey: .type)
        try c.encode(relayID, forKey: .relayID)
        try c.encode(alertID, forKey: .alertID)
        try c.encode(reason, forKey: .reason)
        try c.encode(pocID, forKey: .pocID)
        try c.encode(forPOCID, forKey: .forPOCID)
        try c.encode(urgency, forKey: .urgency)
        try c.encode(exercise, forKey: .exercise)
        try c.encode(waiting, forKey: .waiting)
        try c.encode(acceptedAt, forKey: .acceptedAt)
        try c.encode(at, forKey: .at)
    }

    /// The webhook body: compact JSON with the fields in the order of
    /// section 10. Built by hand so that the bytes are fixed (an encoder may
    /// order keys as it likes); every value is an id, a name, a number or a
    /// time, checked to need no escaping.
    public var body: Data {
        func string(_ s: String) -> String {
            // Ids, hex and enum names: nothing to escape; anything else is quoted safely.
            if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) { return "\"\(s)\"" }
            let escaped = (try? WireJSON.encode(s)).map { String(decoding: $0, as: UTF8.self) }
            return escaped ?? "\"\""
        }
        let fields: [(String, String)] = [
            ("type", string(Self.type)), ("relay_id", string(relayID)), ("alert_id", string(alertID)),
            ("reason", string(reason.rawValue)), ("poc_id", string(pocID)), ("for_poc_id", string(forPOCID)),
            ("urgency", urgency.map { string($0.rawValue) } ?? "null"), ("exercise", exercise ? "true" : "false"),
            ("waiting", String(waiting)), ("accepted_at", acceptedAt.map { string($0.description) } ?? "null"),
            ("at", string(at.description)),
        ]
        return Data(("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
    }
}

/// The webhook signature of section 10:
/// `X-POC-Relay-Signature: base64(Ed25519(relay_sk, "POCRELAY-ALERT-V1\n" || body))`
/// over the exact bytes of the body.
public enum AlertSignature {
    /// The header that carries it.
    public static let header = "X-POC-Relay-Signature"

    /// The exact signed bytes.
    public static func signedBytes(body: Data) -> Data { DomainSeparation.alert + body }

    /// The header value for `body`, signed with the relay's key.
    public static func sign(body: Data, relayKey: SigningKeyPair) -> String {
        StrictBase64.encode(relayKey.signature(for: signedBytes(body: body)))
    }

    /// Whether `header` is the relay's signature over `body` (what a receiver checks).
    public static func isValid(header: String, body: Data, relayKey: SigningPublicKey) -> Bool {
        guard let signature = try? StrictBase64.decode(header, field: header) else { return false }
        return relayKey.isValidSignature(signature, for: signedBytes(body: body))
    }
}
