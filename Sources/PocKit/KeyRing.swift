import Foundation
public import Sodium

/// A POC's private keys: its Ed25519 identity, its X25519 encryption keys
/// (the current one first, older ones kept to open messages sealed before a
/// rotation) and the key that encrypts its local record.
///
/// On disk (`keys.poc`) they are one ``PasswordBox`` blob (Argon2id +
/// secretbox) whose plaintext is `"PKR1" || identity seed (32) || record key
/// (32) || count (1) || box secret keys (32 each)`. Nothing here is ever
/// printed, logged or sent.
public struct KeyRing: Sendable {
    /// The identity key pair.
    public let identity: SigningKeyPair
    /// Encryption key pairs, newest first.
    public let boxKeys: [BoxKeyPair]
    /// The key of the local record.
    public let recordKey: SecretBytes

    /// The current encryption key pair.
    public var currentBoxKey: BoxKeyPair { boxKeys[0] }

    private static let magic = Data("PKR1".utf8)

    /// Fresh keys.
    public init() {
        self.init(identity: SigningKeyPair(), boxKeys: [BoxKeyPair()], recordKey: .random(count: 32))
    }

    init(identity: SigningKeyPair, boxKeys: [BoxKeyPair], recordKey: SecretBytes) {
        self.identity = identity
        self.boxKeys = boxKeys
        self.recordKey = recordKey
    }

    /// The same keys with a new current encryption key (older ones kept, at most 8).
    public func rotatingBoxKey() -> KeyRing {
        KeyRing(identity: identity, boxKeys: Array(([BoxKeyPair()] + boxKeys).prefix(8)), recordKey: recordKey)
    }

    /// Encrypts the keys under `passphrase` and writes `keys.poc` (mode 0600).
    public func save(to home: PocHome, passphrase: SecretBytes, limits: PasswordHashLimits) throws(PocError) {
        let plaintext = SecretBytes(count: 4 + 32 + 32 + 1 + 32 * boxKeys.count) { out in
            var offset = 0
            func put(_ bytes: UnsafeRawBufferPointer) {
                out.baseAddress!.advanced(by: offset).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                offset += bytes.count
            }
            Self.magic.withUnsafeBytes(put)
            identity.seed.withUnsafeBytes(put)
            recordKey.withUnsafeBytes(put)
            withUnsafeBytes(of: UInt8(boxKeys.count)) { put($0) }
            for pair in boxKeys { pair.secretKey.withUnsafeBytes(put) }
        }
        let blob: Data
        do { blob = try PasswordBox.seal(plaintext, passphrase: passphrase, limits: limits) } catch {
            throw PocError("cannot encrypt the keys: \((error as? SodiumError)?.reason ?? "\(error)")")
        }
        try home.write(blob, to: "keys.poc")
    }

    /// Reads and decrypts `keys.poc`.
    /// - Throws: a ``PocError`` with status 77 for a wrong passphrase.
    public static func load(from home: PocHome, passphrase: SecretBytes) throws(PocError) -> KeyRing {
        guard let blob = FileManager.default.contents(atPath: home.keysPath) else {
            throw PocError("no keys in \(home.path)", hint: "run `poc enrol --token TOKEN` first", status: .usage)
        }
        let plaintext: SecretBytes
        do { plaintext = try PasswordBox.open(blob, passphrase: passphrase) } catch {
            if (error as? SodiumError)?.code == .authenticationFailure {
                throw PocError("wrong passphrase for \(home.keysPath)", status: .noPermission)
            }
            throw PocError("\(home.keysPath) is not a key file this version reads")
        }
        func slice(_ offset: Int, _ count: Int) -> SecretBytes {
            SecretBytes(count: count) { out in
                plaintext.withUnsafeBytes { out.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
            }
        }
        let header = plaintext.withUnsafeBytes { Data($0.prefix(4)) }
        let count = plaintext.withUnsafeBytes { $0.count > 68 ? Int($0[68]) : 0 }
        guard header == magic, count >= 1, plaintext.count == 69 + 32 * count else {
            throw PocError("\(home.keysPath) is damaged")
        }
        do {
            let identity = try SigningKeyPair(seed: slice(4, 32))
            let boxKeys = try (0..<count).map { try BoxKeyPair(secretKey: slice(69 + 32 * $0, 32)) }
            return KeyRing(identity: identity, boxKeys: boxKeys, recordKey: slice(36, 32))
        } catch {
            throw PocError("\(home.keysPath) is damaged")
        }
    }
}
