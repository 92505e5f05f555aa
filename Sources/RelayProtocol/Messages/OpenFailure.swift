/// Why a recipient refused to open an envelope (section 4.4).
///
/// Every case means: reject the message, keep it out of the inbox view, and
/// tell the user why. Equality compares codes only.
public struct OpenFailure: Error, Hashable, CustomStringConvertible, Sendable {
    /// The failure class.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The opener is not in `to`, or holds no wrapped key.
        public static let notARecipient = Code("notARecipient")
        /// The wrapped key or the body does not decrypt (wrong key, altered
        /// header, altered ciphertext).
        public static let undecryptable = Code("undecryptable")
        /// The content key does not match the envelope's commitment.
        public static let commitmentMismatch = Code("commitmentMismatch")
        /// The sender's signature over the inner message does not verify.
        public static let badSignature = Code("badSignature")
        /// The decrypted inner message is not valid protocol JSON.
        public static let malformedInner = Code("malformedInner")
        /// The inner message disagrees with the envelope header.
        public static let envelopeMismatch = Code("envelopeMismatch")

        public var description: String { name }
    }

    /// The failure class.
    public let code: Code
    /// What to tell the user; never contains plaintext.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    public static func == (lhs: OpenFailure, rhs: OpenFailure) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
