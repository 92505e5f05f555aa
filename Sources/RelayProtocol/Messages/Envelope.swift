public import Foundation
public import Sodium

/// A sealed message as the relay sees it (section 4.3): routing metadata,
/// one wrapped content key per recipient, a key commitment and the
/// ciphertext. Untrusted until opened with ``open(as:with:senderKey:)``.
///
/// Decoding is strict: canonical base64, exact key and commitment lengths, a
/// valid id, no duplicate recipients. Whether `keys` names exactly the
/// recipients is checked by ``validateForSubmission(limits:)`` (the relay) and
/// by opening (a recipient), so that each can answer in its own terms.
public struct Envelope: Hashable, Sendable, Codable, UnknownField.Checked {
    public var v: Int
    public var id: MessageID
    public var from: POCID
    public var to: [POCID]
    public var urgency: Urgency
    public var exercise: Bool
    /// Each recipient's sealed-box-wrapped content key (80 bytes).
    public var keys: [POCID: Data]
    /// `SHA-256("POCRELAY-KC-V1\n" || K)`.
    public var commitment: Data
    /// `nonce (24) || XChaCha20-Poly1305 ciphertext of sig || inner`.
    public var body: Data

    /// Size of a wrapped content key: 32-byte key plus the sealed-box overhead.
    public static let wrappedKeyByteCount = XChaCha20Poly1305.keyByteCount + SealedBox.overhead
    /// The smallest possible body: a nonce and a tag.
    public static let minimumBodyByteCount = XChaCha20Poly1305.nonceByteCount + XChaCha20Poly1305.tagByteCount

    enum CodingKeys: String, CodingKey {
        case v, id, from, to, urgency, exercise, keys, commitment, body
    }

    /// Creates an envelope from its parts (used by sealing and tests).
    public init(
        id: MessageID, from: POCID, to: [POCID], urgency: Urgency, exercise: Bool, keys: [POCID: Data],
        commitment: Data, body: Data
    ) {
        self.v = 1
        self.id = id
        self.from = from
        self.to = to
        self.urgency = urgency
        self.exercise = exercise
        self.keys = keys
        self.commitment = commitment
        self.body = body
    }

    public init(from decoder: any Decoder) throws {
        try UnknownField.check(decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        v = try Self.checkedVersion(c.decode(Int.self, forKey: .v))
        id = try Self.checkedID(c.decode(String.self, forKey: .id))
        from = try c.decode(POCID.self, forKey: .from)
        to = try Self.checkedRecipients(c.decode([String].self, forKey: .to))
        urgency = try c.decode(Urgency.self, forKey: .urgency)
        exercise = try c.decode(Bool.self, forKey: .exercise)
        var keys: [POCID: Data] = [:]
        for (name, wrapped) in try c.decode([String: Base64Bytes].self, forKey: .keys) {
            keys[try POCID(name, field: "keys")] = try Self.checkedWrappedKey(wrapped.data, of: name)
        }
        self.keys = keys
        commitment = try Self.checkedCommitment(c.decode(Base64Bytes.self, forKey: .commitment).data)
        body = try Self.checkedBody(c.decode(Base64Bytes.self, forKey: .body).data)
    }

    // The checks of each decoded field.

    static func checkedVersion(_ v: Int) throws(WireError) -> Int {
        guard v == 1 else { throw WireError(.unsupportedVersion, field: "v", "only version 1 is supported") }
        return v
    }

    /// A message id of the wrong shape is a well-formed value breaking a
    /// content rule: 422, as section 5 lists it with the recipients' checks.
    static func checkedID(_ text: String) throws(WireError) -> MessageID {
        do { return try MessageID(text) } catch {
            throw WireError(.invalidField, field: "id", error.reason)
        }
    }

    /// Recipients of the wrong shape are not active POCs: 422 like unknown ones.
    static func checkedRecipients(_ names: [String]) throws(WireError) -> [POCID] {
        let to: [POCID]
        do { to = try POCID.list(names, field: "to") } catch { throw WireError(.invalidField, field: "to", error.reason) }
        try Recipients.validate(to)
        return to
    }

    static func checkedWrappedKey(_ wrapped: Data, of name: String) throws(WireError) -> Data {
        guard wrapped.count == wrappedKeyByteCount else {
            throw WireError(.wrongLength, field: "keys.\(name)", "must decode to \(wrappedKeyByteCount) bytes")
        }
        return wrapped
    }

    static func checkedCommitment(_ commitment: Data) throws(WireError) -> Data {
        guard commitment.count == SHA256.byteCount else {
            throw WireError(.wrongLength, field: "commitment", "must decode to \(SHA256.byteCount) bytes")
        }
        return commitment
    }

    static func checkedBody(_ body: Data) throws(WireError) -> Data {
        guard body.count >= minimumBodyByteCount else {
            throw WireError(.wrongLength, field: "body", "is shorter than a nonce and an authentication tag")
        }
        return body
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(v, forKey: .v)
        try c.encode(id, forKey: .id)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(urgency, forKey: .urgency)
        try c.encode(exercise, forKey: .exercise)
        try c.encode(
            Dictionary(uniqueKeysWithValues: keys.map { ($0.key.rawValue, Base64Bytes($0.value)) }), forKey: .keys)
        try c.encode(Base64Bytes(commitment), forKey: .commitment)
        try c.encode(Base64Bytes(body), forKey: .body)
    }

    /// A digest of every field, for telling an identical resubmission from a
    /// conflicting one without re-encoding JSON: SHA-256 over a fixed order of
    /// length-prefixed fields, recipients' keys in byte order of their ids.
    public var digest: Data {
        var hash = SHA256()
        func field(_ bytes: Data) {
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hash.update(Data($0)) }
            hash.update(bytes)
        }
        func field(_ text: String) { field(Data(text.utf8)) }
        field("poc-relay envelope digest v1")
        field(Data([UInt8(truncatingIfNeeded: v)]))
        field(id.rawValue)
        field(from.rawValue)
        field(to.map(\.rawValue).joined(separator: ","))
        field(urgency.rawValue)
        field(Data([exercise ? 1 : 0]))
        for (recipient, wrapped) in keys.sorted(by: { $0.key.rawValue.utf8.lexicographicallyPrecedes($1.key.rawValue.utf8) }) {
            field(recipient.rawValue)
            field(wrapped)
        }
        field(commitment)
        field(body)
        return hash.finalize()
    }

    /// Parses envelope JSON strictly.
    public static func parse(_ json: Data) throws -> Envelope { try WireJSON.decode(Envelope.self, from: json) }

    /// The associated data of section 4.2 step 4, binding the header to the body.
    public var associatedData: Data {
        Self.associatedData(id: id, from: from, urgency: urgency, exercise: exercise, to: to)
    }

    /// `"POCRELAY-ENV-V1\n" || id || "\n" || from || "\n" || urgency || "\n" ||
    /// ("1"|"0") || "\n" || join(sorted(to), ",")`.
    public static func associatedData(id: MessageID, from: POCID, urgency: Urgency, exercise: Bool, to: [POCID]) -> Data {
        DomainSeparation.statement(
            DomainSeparation.envelope,
            [
                id.rawValue, from.rawValue, urgency.rawValue, exercise ? "1" : "0",
                to.sorted().map(\.rawValue).joined(separator: ","),
            ])
    }

    /// The commitment to content key `key`: `SHA-256("POCRELAY-KC-V1\n" || K)`.
    public static func commitment(to key: SecretBytes) -> Data {
        var hasher = SHA256()
        hasher.update(DomainSeparation.keyCommitment)
        hasher.update(key)
        return hasher.finalize()
    }

    /// The relay's checks of section 5 (`POST /v1/messages`) that need no
    /// directory: `keys` names exactly the recipients, and the limits hold.
    /// - Throws: ``WireError/Code/keysDoNotMatchRecipients`` (400) or
    ///   ``WireError/Code/tooLarge`` (413).
    public func validateForSubmission(limits: ProtocolLimits) throws(WireError) {
        guard to.count <= limits.maxRecipients else {
            throw WireError(.tooLarge, field: "to", "names \(to.count) recipients; the limit is \(limits.maxRecipients)")
        }
        guard body.count <= limits.maxBodyBytes else {
            throw WireError(.tooLarge, field: "body", "is \(body.count) bytes after base64 decoding; the limit is \(limits.maxBodyBytes)")
        }
        guard Set(keys.keys) == Set(to) else {
            throw WireError(.keysDoNotMatchRecipients, field: "keys", "must hold one wrapped key for each recipient in to, and no other")
        }
    }
}

/// The size limits of section 8.
public struct ProtocolLimits: Hashable, Sendable, Codable {
    /// Largest message body after base64 decoding (default 1 MiB).
    public var maxBodyBytes: Int
    /// Most recipients per envelope (default 512).
    public var maxRecipients: Int

    enum CodingKeys: String, CodingKey {
        case maxBodyBytes = "max_body_bytes", maxRecipients = "max_recipients"
    }

    /// The defaults of section 8.
    public static let defaults = ProtocolLimits(maxBodyBytes: 1 << 20, maxRecipients: 512)

    /// Creates limits.
    public init(maxBodyBytes: Int, maxRecipients: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxRecipients = maxRecipients
    }
}
