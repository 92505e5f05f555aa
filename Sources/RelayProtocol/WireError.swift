/// Why a wire value (JSON field, base64, time, id) was refused.
///
/// Codes fall in two classes a server maps to HTTP statuses: ``isMalformed``
/// ones are 400 (the request cannot be read as the protocol says), the others
/// are 422 (readable, but not acceptable). Equality compares codes only.
public struct WireError: Error, Hashable, CustomStringConvertible, Sendable {
    /// The failure class.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Base64 that is not standard, padded and canonical (RFC 4648 section 4).
        public static let malformedBase64 = Code("malformedBase64")
        /// A time that is not RFC 3339 UTC with `Z` and whole seconds.
        public static let malformedTime = Code("malformedTime")
        /// An id (POC, message, state) of the wrong shape.
        public static let malformedID = Code("malformedID")
        /// A value of the right type but the wrong length (keys, signatures).
        public static let wrongLength = Code("wrongLength")
        /// A value outside its enumeration (urgency, role, type, TLP, language).
        public static let unknownValue = Code("unknownValue")
        /// A protocol version this implementation does not speak.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The same recipient twice.
        public static let duplicateRecipient = Code("duplicateRecipient")
        /// `keys` does not hold exactly the recipients of `to`.
        public static let keysDoNotMatchRecipients = Code("keysDoNotMatchRecipients")
        /// A required field is empty or missing, or a field breaks a rule of its own.
        public static let invalidField = Code("invalidField")
        /// A value over a size limit of section 8.
        public static let tooLarge = Code("tooLarge")
        /// An object key sent twice in one object, at any depth (``field`` is its path).
        public static let duplicateKey = Code("duplicateKey")
        /// Text that is not UTF-8 JSON (RFC 8259), e.g. UTF-16.
        public static let malformedJSON = Code("malformedJSON")

        public var description: String { name }
    }

    /// The failure class.
    public let code: Code
    /// The JSON field concerned, e.g. `"to"` or `"entry.email"`.
    public let field: String
    /// A sentence a user can act on; never contains secret bytes.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, field: String, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// True for failures that make the input unreadable as the protocol says
    /// (HTTP 400); false for readable but unacceptable values (HTTP 422).
    public var isMalformed: Bool {
        [
            .malformedBase64, .malformedTime, .malformedID, .wrongLength, .unsupportedVersion, .keysDoNotMatchRecipients,
            .duplicateKey, .malformedJSON,
        ]
        .contains(code)
    }

    public var description: String { "\(field): \(reason)" }

    /// The same error, naming the JSON field at `codingPath` (computed only on
    /// failure: decoding stays cheap).
    func at(_ codingPath: [any CodingKey]) -> WireError {
        WireError(code, field: codingPath.map(\.stringValue).joined(separator: "."), reason)
    }

    public static func == (lhs: WireError, rhs: WireError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
