internal import CSodium
public import Foundation

/// XChaCha20-Poly1305 IETF authenticated encryption with associated data
/// (`crypto_aead_xchacha20poly1305_ietf_*`).
public enum XChaCha20Poly1305 {
    /// Key size in bytes (32).
    public static let keyByteCount = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    /// Nonce size in bytes (24).
    public static let nonceByteCount = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    /// Authentication tag size in bytes (16).
    public static let tagByteCount = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// A fresh random key.
    public static func generateKey() -> SecretBytes { SecretBytes.random(count: keyByteCount) }

    /// A fresh random nonce; with 24 bytes random nonces never collide in practice.
    public static func generateNonce() -> Data { SecureRandom.bytes(count: nonceByteCount) }

    /// Encrypts and authenticates `plaintext`, binding `associatedData`.
    ///
    /// - Parameters:
    ///   - plaintext: The bytes to encrypt.
    ///   - associatedData: Bytes authenticated but not encrypted.
    ///   - key: A 32-byte key.
    ///   - nonce: A 24-byte nonce, never reused with the same key.
    /// - Returns: ciphertext || 16-byte tag.
    /// - Throws: ``SodiumError/Code/invalidKeyLength`` or ``SodiumError/Code/invalidInputLength``.
    public static func seal(
        _ plaintext: some ContiguousBytes, authenticating associatedData: some ContiguousBytes,
        key: SecretBytes, nonce: some ContiguousBytes
    ) throws -> Data {
        try check(key: key, nonce: nonce)
        return plaintext.withUnsafeBytes { msg in
            var out = Data(count: msg.count + tagByteCount)
            out.withUnsafeMutableBytes { c in
                associatedData.withUnsafeBytes { ad in
                    nonce.withUnsafeBytes { n in
                        key.withUnsafeBytes { k in
                            _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                                c.bytes, nil,
                                msg.bytes, UInt64(msg.count),
                                ad.bytes, UInt64(ad.count),
                                nil, n.bytes,
                                k.bytes)
                        }
                    }
                }
            }
            return out
        }
    }

    /// Verifies and decrypts `ciphertext` (ciphertext || tag).
    ///
    /// - Returns: The plaintext.
    /// - Throws: ``SodiumError/Code/authenticationFailure`` when the tag, the
    ///   associated data, the key or the nonce is wrong.
    public static func open(
        _ ciphertext: some ContiguousBytes, authenticating associatedData: some ContiguousBytes,
        key: SecretBytes, nonce: some ContiguousBytes
    ) throws -> Data {
        try check(key: key, nonce: nonce)
        return try ciphertext.withUnsafeBytes { c in
            guard c.count >= tagByteCount else {
                throw SodiumError(.authenticationFailure, "the ciphertext does not authenticate")
            }
            var out = Data(count: c.count - tagByteCount)
            let status = out.withUnsafeMutableBytes { m in
                associatedData.withUnsafeBytes { ad in
                    nonce.withUnsafeBytes { n in
                        key.withUnsafeBytes { k in
                            crypto_aead_xchacha20poly1305_ietf_decrypt(
                                m.bytes, nil, nil,
                                c.bytes, UInt64(c.count),
                                ad.bytes, UInt64(ad.count),
                                n.bytes,
                                k.bytes)
                        }
                    }
                }
            }
            guard status == 0 else {
                SecretBytes.zero(&out)
                throw SodiumError(.authenticationFailure, "the ciphertext does not authenticate")
            }
            return out
        }
    }

    private static func check(key: SecretBytes, nonce: some ContiguousBytes) throws {
        guard key.count == keyByteCount else {
            throw SodiumError(.invalidKeyLength, "an XChaCha20-Poly1305 key is \(keyByteCount) bytes, got \(key.count)")
        }
        let nonceCount = nonce.withUnsafeBytes { $0.count }
        guard nonceCount == nonceByteCount else {
            throw SodiumError(.invalidInputLength, "an XChaCha20-Poly1305 nonce is \(nonceByteCount) bytes, got \(nonceCount)")
        }
    }
}
