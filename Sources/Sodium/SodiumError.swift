/// A failure reported by the `Sodium` layer.
///
/// Like swift-crypto's single `authenticationFailure`, a failed decryption or
/// open says nothing more than that it failed: an attacker learns no detail.
/// Two errors are equal when their codes are equal, so tests compare codes.
public struct SodiumError: Error, Hashable, CustomStringConvertible, Sendable {
    /// What went wrong, as a value callers can branch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case invalidKeyLength, invalidInputLength, authenticationFailure
            case keyDerivationFailure, unsupportedFormat, libraryFailure
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A key or seed has the wrong number of bytes.
        public static let invalidKeyLength = Code(.invalidKeyLength)
        /// A nonce, ciphertext or other input has an impossible length.
        public static let invalidInputLength = Code(.invalidInputLength)
        /// A ciphertext, sealed box or password does not authenticate.
        public static let authenticationFailure = Code(.authenticationFailure)
        /// Argon2id could not run (usually: not enough memory).
        public static let keyDerivationFailure = Code(.keyDerivationFailure)
        /// An encrypted-secret blob is not in a format this version reads.
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// libsodium itself failed (initialisation or an internal error).
        public static let libraryFailure = Code(.libraryFailure)

        public var description: String { "\(kind)" }
    }

    /// The failure class.
    public let code: Code
    /// A short human explanation; never contains key or message bytes.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: SodiumError, rhs: SodiumError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
