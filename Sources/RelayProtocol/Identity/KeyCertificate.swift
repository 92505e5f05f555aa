public import Foundation
public import Sodium

/// A POC's binding of its X25519 encryption key to its Ed25519 identity:
/// `Ed25519(identity_sk, "POCRELAY-KEY-V1\n" || base64(box_key) || "\n" || key_created_at)`.
public struct KeyCertificate: Hashable, Sendable {
    /// The certified encryption key.
    public let boxKey: BoxPublicKey
    /// When the key was made (the signer's clock).
    public let createdAt: Timestamp
    /// The 64-byte Ed25519 signature.
    public let signature: Base64Bytes

    /// Wraps received values; check with ``isValid(for:)``.
    public init(boxKey: BoxPublicKey, createdAt: Timestamp, signature: Base64Bytes) {
        self.boxKey = boxKey
        self.createdAt = createdAt
        self.signature = signature
    }

    /// Signs a new certificate with the identity key.
    public static func issue(boxKey: BoxPublicKey, createdAt: Timestamp, identity: SigningKeyPair) -> KeyCertificate {
        let message = signedBytes(boxKey: boxKey, createdAt: createdAt)
        return KeyCertificate(boxKey: boxKey, createdAt: createdAt, signature: Base64Bytes(identity.signature(for: message)))
    }

    /// The exact bytes the signature covers.
    public static func signedBytes(boxKey: BoxPublicKey, createdAt: Timestamp) -> Data {
        DomainSeparation.statement(DomainSeparation.key, [StrictBase64.encode(boxKey.rawRepresentation), createdAt.description])
    }

    /// True when `identityKey` signed this certificate.
    public func isValid(for identityKey: SigningPublicKey) -> Bool {
        identityKey.isValidSignature(signature.data, for: Self.signedBytes(boxKey: boxKey, createdAt: createdAt))
    }
}
