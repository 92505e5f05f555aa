internal import CSodium
public import Foundation

/// SHA-256 (`crypto_hash_sha256`), one-shot or incremental.
///
/// ```swift
/// var hash = SHA256()
/// hash.update(Data("POCRELAY-KC-V1\n".utf8))
/// hash.update(contentKey)
/// let commitment = hash.finalize()
/// ```
public struct SHA256: Sendable {
    /// Digest size in bytes (32).
    public static let byteCount = Int(crypto_hash_sha256_BYTES)

    private var state = crypto_hash_sha256_state()

    /// Starts a new hash.
    public init() {
        SodiumRuntime.ensure()
        crypto_hash_sha256_init(&state)
    }

    /// Adds public bytes.
    public mutating func update(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { b in
            _ = crypto_hash_sha256_update(&state, b.bytes, UInt64(b.count))
        }
    }

    /// Adds secret bytes without copying them out of their ``SecretBytes``.
    public mutating func update(_ secret: SecretBytes) {
        secret.withUnsafeBytes { b in
            _ = crypto_hash_sha256_update(&state, b.bytes, UInt64(b.count))
        }
    }

    /// Returns the 32-byte digest; the hasher's state is then zeroed.
    public mutating func finalize() -> Data {
        var digest = Data(count: Self.byteCount)
        digest.withUnsafeMutableBytes { d in
            _ = crypto_hash_sha256_final(&state, d.bytes)
        }
        withUnsafeMutableBytes(of: &state) { sodium_memzero($0.baseAddress, $0.count) }
        return digest
    }

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some ContiguousBytes) -> Data {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// Random bytes from libsodium's CSPRNG (`randombytes_buf`).
public enum SecureRandom {
    /// `count` random bytes, for public values such as nonces and ids.
    /// Use ``SecretBytes/random(count:)`` for secrets.
    public static func bytes(count: Int) -> Data {
        SodiumRuntime.ensure()
        var data = Data(count: count)
        data.withUnsafeMutableBytes { randombytes_buf($0.bytes, $0.count) }
        return data
    }
}

extension Data {
    /// Lowercase hexadecimal, as used in receipts and message ids.
    public var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of lowercase hexadecimal text (as ``lowercaseHex`` writes
    /// it), or nil for anything else: odd length, uppercase or other characters.
    public init?(lowercaseHex text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var bytes = Data(capacity: utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }
}
