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
        let blob: Data
        do { blob = try PasswordBox.seal(plaintext(), passphrase: passphrase, limits: limits) } catch {
            throw PocError("cannot encrypt the keys: \((error as? SodiumError)?.reason ?? "\(error)")")
        }
        try home.write(blob, to: "keys.poc")
    }

    /// The keys in the plaintext form of `keys.poc` (what a key agent holds).
    func plaintext() -> SecretBytes {
        SecretBytes(count: 4 + 32 + 32 + 1 + 32 * boxKeys.count) { out in
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
        return try KeyRing(plaintext: plaintext, path: home.keysPath)
    }

    /// Reads keys from their plaintext form (see ``plaintext()``).
    init(plaintext: SecretBytes, path: String) throws(PocError) {
        func slice(_ offset: Int, _ count: Int) -> SecretBytes {
            SecretBytes(count: count) { out in
                plaintext.withUnsafeBytes { out.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
            }
        }
        let header = plaintext.withUnsafeBytes { Data($0.prefix(4)) }
        let count = plaintext.withUnsafeBytes { $0.count > 68 ? Int($0[68]) : 0 }
        guard header == Self.magic, count >= 1, plaintext.count == 69 + 32 * count else {
            throw PocError("\(path) is damaged")
        }
        let identity: SigningKeyPair
        let boxKeys: [BoxKeyPair]
        do {
            identity = try SigningKeyPair(seed: slice(4, 32))
            boxKeys = try (0..<count).map { try BoxKeyPair(secretKey: slice(69 + 32 * $0, 32)) }
        } catch {
            throw PocError("\(path) is damaged")
        }
        self.init(identity: identity, boxKeys: boxKeys, recordKey: slice(36, 32))
    }

    /// The keys of `home` as every command opens them: from the home's key
    /// agent when one is running (`poc unlock`), else with the passphrase,
    /// typed at most ``PassphraseSource/tries`` times at the prompt.
    /// - Throws: a ``PocError`` with status 77 for a wrong passphrase, 130 when cancelled.
    public static func open(from home: PocHome, passphrase: PassphraseSource) throws(PocError) -> KeyRing {
        if passphrase.usesAgent, let keys = KeyAgentClient(home: home).keys() { return keys }
        return try opening(from: home, passphrase: passphrase).keys
    }

    /// The keys of `home` opened with the passphrase (never from the agent),
    /// with the digest of the `keys.poc` they came from.
    static func opening(from home: PocHome, passphrase: PassphraseSource) throws(PocError) -> (keys: KeyRing, fileDigest: Data) {
        let (keys, digest, _) = try openingWithPassphrase(from: home, passphrase: passphrase)
        return (keys, digest)
    }

    /// The passphrase that opens `home`'s keys (asked again after a wrong one,
    /// as ``open(from:passphrase:)`` does), for a command that saves keys under it.
    public static func verifiedPassphrase(for home: PocHome, passphrase: PassphraseSource) throws(PocError) -> SecretBytes {
        try openingWithPassphrase(from: home, passphrase: passphrase).secret
    }

    private static func openingWithPassphrase(
        from home: PocHome, passphrase: PassphraseSource
    ) throws(PocError) -> (keys: KeyRing, fileDigest: Data, secret: SecretBytes) {
        var triesLeft = passphrase.allowedTries
        while true {
            let secret = try passphrase.read()
            let digest = KeyAgentClient.digest(ofKeysIn: home)
            do {
                return (try load(from: home, passphrase: secret), digest, secret)
            } catch  where error.status == .noPermission && triesLeft > 1 {
                triesLeft -= 1
                passphrase.wrongPassphrase(triesLeft: triesLeft)
            }
        }
    }
}
