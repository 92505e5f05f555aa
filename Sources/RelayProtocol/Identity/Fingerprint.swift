public import Sodium

/// A key's fingerprint: the first 16 bytes of SHA-256 of the Ed25519 public
/// key, read out of band to check that a key is who it claims to be.
public struct Fingerprint: Hashable, Sendable, CustomStringConvertible {
    /// The 32 uppercase hex digits, without spaces (a relay's `relay_id`).
    public let compact: String

    /// The fingerprint of `key`.
    public init(of key: SigningPublicKey) {
        let digest = SHA256.hash(key.rawRepresentation).prefix(16)
        self.compact = digest.lowercaseHex.uppercased()
    }

    /// Eight groups of four uppercase hex digits, e.g. `A0CC 9F7B C9D7 61C3 26BB F1F7 AD94 DED1`.
    public var grouped: String {
        var groups: [Substring] = []
        var rest = Substring(compact)
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }

    /// True when `text` names this fingerprint, with or without spaces, in any case.
    public func matches(_ text: String) -> Bool {
        text.filter { !$0.isWhitespace }.uppercased() == compact
    }

    public var description: String { grouped }
}
