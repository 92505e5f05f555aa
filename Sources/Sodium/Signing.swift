internal import CSodium
public import Foundation

/// An Ed25519 public key (32 bytes): verifies detached signatures.
public struct SigningPublicKey: Hashable, Sendable {
    /// The 32 raw key bytes.
    public let rawRepresentation: Data

    /// The size of an Ed25519 public key in bytes.
    public static let byteCount = Int(crypto_sign_PUBLICKEYBYTES)
    /// The size of an Ed25519 signature in bytes.
    public static let signatureByteCount = Int(crypto_sign_BYTES)

    /// Wraps raw key bytes.
    /// - Throws: ``SodiumError/Code/invalidKeyLength`` unless `rawRepresentation` is 32 bytes.
    public init(rawRepresentation: some DataProtocol) throws {
        SodiumRuntime.ensure()
        guard rawRepresentation.count == Self.byteCount else {
            throw SodiumError(.invalidKeyLength, "an Ed25519 public key is \(Self.byteCount) bytes, got \(rawRepresentation.count)")
        }
        self.rawRepresentation = Data(rawRepresentation)
    }

    /// Checks a detached signature (`crypto_sign_verify_detached`).
    ///
    /// - Parameters:
    ///   - signature: The 64-byte signature; any other length is simply invalid.
    ///   - message: The signed bytes.
    /// - Returns: `true` only for a valid signature by this key.
    public func isValidSignature(_ signature: some ContiguousBytes, for message: some ContiguousBytes) -> Bool {
        signature.withUnsafeBytes { sig in
            guard sig.count == Self.signatureByteCount else { return false }
            return message.withUnsafeBytes { msg in
                rawRepresentation.withUnsafeBytes { pk in
                    crypto_sign_verify_detached(
                        sig.bytes,
                        msg.bytes, UInt64(msg.count),
                        pk.bytes) == 0
                }
            }
        }
    }
}

/// An Ed25519 key pair: the identity of a POC or of the relay.
///
/// The secret key lives in ``SecretBytes`` and is zeroed when released.
public struct SigningKeyPair: Sendable {
    /// The public half, safe to publish.
    public let publicKey: SigningPublicKey
    /// The 32-byte seed from which the key pair derives; keep it secret.
    public let seed: SecretBytes
    private let secretKey: SecretBytes  // 64 bytes: seed || public key

    /// The size of an Ed25519 seed in bytes.
    public static let seedByteCount = Int(crypto_sign_SEEDBYTES)

    /// Generates a fresh key pair from the CSPRNG.
    public init() {
        // A random seed cannot fail the length check below.
        try! self.init(seed: SecretBytes.random(count: Self.seedByteCount))  // swiftlint:disable:this force_try
    }

    /// Derives the key pair from a 32-byte seed (`crypto_sign_seed_keypair`).
    /// - Throws: ``SodiumError/Code/invalidKeyLength`` unless the seed is 32 bytes.
    public init(seed: SecretBytes) throws {
        guard seed.count == Self.seedByteCount else {
            throw SodiumError(.invalidKeyLength, "an Ed25519 seed is \(Self.seedByteCount) bytes, got \(seed.count)")
        }
        var publicBytes = Data(count: SigningPublicKey.byteCount)
        let secret = SecretBytes(count: Int(crypto_sign_SECRETKEYBYTES)) { sk in
            publicBytes.withUnsafeMutableBytes { pk in
                seed.withUnsafeBytes { s in
                    _ = crypto_sign_seed_keypair(
                        pk.bytes,
                        sk.bytes,
                        s.bytes)
                }
            }
        }
        self.seed = seed
        self.secretKey = secret
        self.publicKey = try SigningPublicKey(rawRepresentation: publicBytes)
    }

    /// Signs `message` (`crypto_sign_detached`).
    /// - Returns: The 64-byte detached signature.
    public func signature(for message: some ContiguousBytes) -> Data {
        var signature = Data(count: SigningPublicKey.signatureByteCount)
        signature.withUnsafeMutableBytes { sig in
            message.withUnsafeBytes { msg in
                secretKey.withUnsafeBytes { sk in
                    _ = crypto_sign_detached(
                        sig.bytes, nil,
                        msg.bytes, UInt64(msg.count),
                        sk.bytes)
                }
            }
        }
        return signature
    }
}
