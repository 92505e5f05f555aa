internal import CSodium
public import Foundation

/// Argon2id cost parameters for ``PasswordBox``.
public struct PasswordHashLimits: Hashable, Sendable {
    /// Argon2id passes (`opslimit`).
    public let operations: UInt64
    /// Argon2id memory in bytes (`memlimit`).
    public let memoryBytes: UInt64

    /// libsodium's MODERATE limits (3 passes, 256 MiB): the default for
    /// private keys at rest, about a second on a laptop.
    public static let moderate = PasswordHashLimits(
        operations: UInt64(crypto_pwhash_opslimit_moderate()), memoryBytes: UInt64(crypto_pwhash_memlimit_moderate()))

    /// libsodium's INTERACTIVE limits (2 passes, 64 MiB).
    public static let interactive = PasswordHashLimits(
        operations: UInt64(crypto_pwhash_opslimit_interactive()), memoryBytes: UInt64(crypto_pwhash_memlimit_interactive()))

    /// The smallest limits Argon2id accepts (1 pass, 8 KiB). Offers no
    /// protection: for tests only, so suites do not spend a second per key.
    public static let insecureForTestsOnly = PasswordHashLimits(
        operations: UInt64(crypto_pwhash_opslimit_min()), memoryBytes: UInt64(crypto_pwhash_memlimit_min()))

    /// The largest limits a file may ask for when opened (SENSITIVE): a
    /// crafted file cannot make the client spend unbounded time or memory.
    static let maximumAccepted = PasswordHashLimits(
        operations: UInt64(crypto_pwhash_opslimit_sensitive()), memoryBytes: UInt64(crypto_pwhash_memlimit_sensitive()))

    /// Creates limits; see the named presets.
    public init(operations: UInt64, memoryBytes: UInt64) {
        self.operations = operations
        self.memoryBytes = memoryBytes
    }
}

/// Password protection of secrets at rest: Argon2id (`crypto_pwhash`)
/// derives a key from the passphrase, `crypto_secretbox_easy` encrypts.
///
/// The blob is `"POCK" || 0x01 || opslimit (8, big-endian) || memlimit (8,
/// big-endian) || salt (16) || nonce (24) || secretbox`. The limits travel
/// with the blob, so a file sealed with lowered test limits still opens.
///
/// Argon2id at MODERATE takes about a second: call these off the event loop.
public enum PasswordBox {
    private static let magic = Data("POCK".utf8) + [1]
    private static let saltCount = Int(crypto_pwhash_SALTBYTES)
    private static let nonceCount = Int(crypto_secretbox_NONCEBYTES)
    private static let macCount = Int(crypto_secretbox_MACBYTES)
    private static let headerCount = 5 + 8 + 8 + saltCount + nonceCount

    /// Encrypts `secret` under `passphrase`.
    /// - Throws: ``SodiumError/Code/keyDerivationFailure`` when Argon2id cannot run.
    public static func seal(_ secret: SecretBytes, passphrase: SecretBytes, limits: PasswordHashLimits = .moderate) throws -> Data {
        let salt = SecureRandom.bytes(count: saltCount)
        let nonce = SecureRandom.bytes(count: nonceCount)
        let key = try deriveKey(passphrase: passphrase, salt: salt, limits: limits)
        var box = Data(count: secret.count + macCount)
        box.withUnsafeMutableBytes { c in
            secret.withUnsafeBytes { m in
                nonce.withUnsafeBytes { n in
                    key.withUnsafeBytes { k in
                        _ = crypto_secretbox_easy(
                            c.bytes,
                            m.bytes, UInt64(m.count),
                            n.bytes, k.bytes)
                    }
                }
            }
        }
        var blob = magic
        blob.append(bigEndian: limits.operations)
        blob.append(bigEndian: limits.memoryBytes)
        blob.append(salt)
        blob.append(nonce)
        blob.append(box)
        return blob
    }

    /// Decrypts a blob made by ``seal(_:passphrase:limits:)``.
    /// - Throws: ``SodiumError/Code/authenticationFailure`` for a wrong
    ///   passphrase or an altered blob, ``SodiumError/Code/unsupportedFormat``
    ///   for something that is not such a blob.
    public static func open(_ blob: Data, passphrase: SecretBytes) throws -> SecretBytes {
        let bytes = [UInt8](blob)
        guard bytes.count >= headerCount + macCount, Data(bytes[0..<5]) == magic else {
            throw SodiumError(.unsupportedFormat, "not a POC Relay encrypted key file (version 1)")
        }
        let limits = PasswordHashLimits(operations: readBigEndian(bytes, at: 5), memoryBytes: readBigEndian(bytes, at: 13))
        let floor = PasswordHashLimits.insecureForTestsOnly, ceiling = PasswordHashLimits.maximumAccepted
        guard (floor.operations...ceiling.operations).contains(limits.operations),
            (floor.memoryBytes...ceiling.memoryBytes).contains(limits.memoryBytes)
        else {
            throw SodiumError(.unsupportedFormat, "the key file asks for Argon2id limits outside the accepted range")
        }
        let salt = Data(bytes[21..<(21 + saltCount)])
        let nonce = Data(bytes[(21 + saltCount)..<headerCount])
        let box = Data(bytes[headerCount...])
        let key = try deriveKey(passphrase: passphrase, salt: salt, limits: limits)
        return try SecretBytes(count: box.count - macCount) { m in
            let status = box.withUnsafeBytes { c in
                nonce.withUnsafeBytes { n in
                    key.withUnsafeBytes { k in
                        crypto_secretbox_open_easy(
                            m.bytes,
                            c.bytes, UInt64(c.count),
                            n.bytes, k.bytes)
                    }
                }
            }
            guard status == 0 else {
                throw SodiumError(.authenticationFailure, "wrong passphrase, or the key file was altered")
            }
        }
    }

    private static func deriveKey(passphrase: SecretBytes, salt: Data, limits: PasswordHashLimits) throws -> SecretBytes {
        try SecretBytes(count: Int(crypto_secretbox_KEYBYTES)) { out in
            let status = passphrase.withUnsafeBytes { p in
                salt.withUnsafeBytes { s in
                    crypto_pwhash(
                        out.bytes, UInt64(out.count),
                        UnsafeRawPointer(p.bytes).assumingMemoryBound(to: CChar.self), UInt64(p.count),
                        s.bytes,
                        limits.operations, Int(limits.memoryBytes), crypto_pwhash_ALG_ARGON2ID13)
                }
            }
            guard status == 0 else {
                throw SodiumError(.keyDerivationFailure, "Argon2id failed (not enough memory for \(limits.memoryBytes) bytes?)")
            }
        }
    }

    private static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<(offset + 8)].reduce(0) { ($0 << 8) | UInt64($1) }
    }
}

extension Data {
    fileprivate mutating func append(bigEndian value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
