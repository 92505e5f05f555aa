internal import CSodium
public import Foundation

/// An X25519 public key (32 bytes): what senders wrap content keys to.
public struct BoxPublicKey: Hashable, Sendable {
    /// The 32 raw key bytes.
    public let rawRepresentation: Data

    /// The size of an X25519 public key in bytes.
    public static let byteCount = Int(crypto_box_PUBLICKEYBYTES)

    /// Wraps raw key bytes.
    /// - Throws: ``SodiumError/Code/invalidKeyLength`` unless `rawRepresentation` is 32 bytes.
    public init(rawRepresentation: some DataProtocol) throws {
        SodiumRuntime.ensure()
        guard rawRepresentation.count == Self.byteCount else {
            throw SodiumError(.invalidKeyLength, "an X25519 public key is \(Self.byteCount) bytes, got \(rawRepresentation.count)")
        }
        self.rawRepresentation = Data(rawRepresentation)
    }
}

/// An X25519 key pair: a POC's encryption key.
public struct BoxKeyPair: Sendable {
    /// The public half, published in the directory.
    public let publicKey: BoxPublicKey
    /// The 32-byte secret scalar; zeroed when released.
    public let secretKey: SecretBytes

    /// The size of an X25519 secret key in bytes.
    public static let secretKeyByteCount = Int(crypto_box_SECRETKEYBYTES)

    /// Generates a fresh key pair (`crypto_box_keypair`).
    public init() {
        SodiumRuntime.ensure()
        var publicBytes = Data(count: BoxPublicKey.byteCount)
        let secret = SecretBytes(count: Self.secretKeyByteCount) { sk in
            publicBytes.withUnsafeMutableBytes { pk in
                _ = crypto_box_keypair(
                    pk.bytes, sk.bytes)
            }
        }
        self.secretKey = secret
        // 32 bytes by construction.
        self.publicKey = try! BoxPublicKey(rawRepresentation: publicBytes)  // swiftlint:disable:this force_try
    }

    /// Rebuilds a key pair from its secret key, deriving the public key
    /// (`crypto_scalarmult_base`).
    /// - Throws: ``SodiumError/Code/invalidKeyLength`` unless the key is 32 bytes.
    public init(secretKey: SecretBytes) throws {
        guard secretKey.count == Self.secretKeyByteCount else {
            throw SodiumError(.invalidKeyLength, "an X25519 secret key is \(Self.secretKeyByteCount) bytes, got \(secretKey.count)")
        }
        var publicBytes = Data(count: BoxPublicKey.byteCount)
        let status = publicBytes.withUnsafeMutableBytes { pk in
            secretKey.withUnsafeBytes { sk in
                crypto_scalarmult_base(
                    pk.bytes, sk.bytes)
            }
        }
        guard status == 0 else { throw SodiumError(.libraryFailure, "cannot derive the X25519 public key") }
        self.secretKey = secretKey
        self.publicKey = try BoxPublicKey(rawRepresentation: publicBytes)
    }
}

/// Anonymous public-key encryption to one recipient (`crypto_box_seal`).
///
/// Used by POC Relay only to wrap a message's 32-byte content key.
public enum SealedBox {
    /// Bytes a sealed box adds to its plaintext (48).
    public static let overhead = Int(crypto_box_sealbytes())

    /// Seals `plaintext` to `recipient`.
    /// - Returns: `plaintext.count + 48` bytes.
    public static func seal(_ plaintext: SecretBytes, to recipient: BoxPublicKey) -> Data {
        var sealed = Data(count: plaintext.count + overhead)
        sealed.withUnsafeMutableBytes { out in
            plaintext.withUnsafeBytes { msg in
                recipient.rawRepresentation.withUnsafeBytes { pk in
                    _ = crypto_box_seal(
                        out.bytes,
                        msg.bytes, UInt64(msg.count),
                        pk.bytes)
                }
            }
        }
        return sealed
    }

    /// Opens a sealed box with the recipient's key pair.
    /// - Returns: The plaintext, as a secret.
    /// - Throws: ``SodiumError/Code/authenticationFailure`` if the box was not
    ///   sealed to this key pair or was altered.
    public static func open(_ sealed: some ContiguousBytes, with recipient: BoxKeyPair) throws -> SecretBytes {
        try sealed.withUnsafeBytes { input in
            guard input.count >= overhead else {
                throw SodiumError(.authenticationFailure, "the sealed box does not open")
            }
            return try SecretBytes(count: input.count - overhead) { out in
                let status = recipient.publicKey.rawRepresentation.withUnsafeBytes { pk in
                    recipient.secretKey.withUnsafeBytes { sk in
                        crypto_box_seal_open(
                            out.bytes,
                            input.bytes, UInt64(input.count),
                            pk.bytes, sk.bytes)
                    }
                }
                guard status == 0 else { throw SodiumError(.authenticationFailure, "the sealed box does not open") }
            }
        }
    }
}
