import Foundation
import Sodium
import Testing

@Suite("SecretBytes")
struct SecretBytesTests {
    @Test("never prints its contents")
    func redacted() {
        let secret = SecretBytes(copying: Data("hunter2".utf8))
        #expect(secret.description == "<redacted>")
        #expect(!String(describing: secret).contains("hunter2"))
        #expect(!String(reflecting: secret).contains("hunter2"))
        #expect("\(secret)" == "<redacted>")
    }

    @Test("equality compares content, and lengths")
    func equality() {
        let a = SecretBytes(copying: Data([1, 2, 3]))
        #expect(a == SecretBytes(copying: Data([1, 2, 3])))
        #expect(a != SecretBytes(copying: Data([1, 2, 4])))
        #expect(a != SecretBytes(copying: Data([1, 2])))
        #expect(SecretBytes(copying: Data()) == SecretBytes(copying: Data()))
        #expect(constantTimeEqual(Data([9, 9]), Data([9, 9])))
        #expect(!constantTimeEqual(Data([9, 9]), Data([9, 8])))
        #expect(!constantTimeEqual(Data([9, 9]), Data([9])))
    }

    @Test("random secrets differ and have the asked length")
    func random() {
        let a = SecretBytes.random(count: 32), b = SecretBytes.random(count: 32)
        #expect(a.count == 32)
        #expect(a != b)
    }

    @Test("zero wipes a mutable buffer")
    func zero() {
        var data = Data([1, 2, 3, 4])
        SecretBytes.zero(&data)
        #expect(data == Data(count: 4))
        var bytes: [UInt8] = [5, 6]
        SecretBytes.zero(&bytes)
        #expect(bytes == [0, 0])
    }

    @Test("a throwing initialiser leaves nothing behind")
    func throwingInit() {
        struct Boom: Error {}
        #expect(throws: Boom.self) { _ = try SecretBytes(count: 8) { _ in throw Boom() } }
    }

    @Test("initialisation is safe from many threads at once")
    func concurrentFirstUse() async {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 { group.addTask { SecureRandom.bytes(count: 16).count } }
            for await count in group { #expect(count == 16) }
        }
    }
}

@Suite("Ed25519")
struct SigningTests {
    @Test("sign and verify; any change fails")
    func signVerify() throws {
        let pair = SigningKeyPair()
        let message = Data("POCRELAY test".utf8)
        let signature = pair.signature(for: message)
        #expect(signature.count == 64)
        #expect(pair.publicKey.isValidSignature(signature, for: message))
        #expect(!pair.publicKey.isValidSignature(signature, for: message + [0]))
        var flipped = signature
        flipped[0] ^= 1
        #expect(!pair.publicKey.isValidSignature(flipped, for: message))
        #expect(!SigningKeyPair().publicKey.isValidSignature(signature, for: message))
        #expect(!pair.publicKey.isValidSignature(signature.prefix(63), for: message))
        #expect(pair.publicKey.isValidSignature(pair.signature(for: Data()), for: Data()))
    }

    @Test("a seed gives the same key pair every time")
    func seeded() throws {
        let seed = SecretBytes.random(count: 32)
        let a = try SigningKeyPair(seed: seed), b = try SigningKeyPair(seed: seed)
        #expect(a.publicKey == b.publicKey)
        #expect(a.signature(for: Data([1])) == b.signature(for: Data([1])))
    }

    @Test("wrong lengths are typed errors", arguments: [0, 31, 33, 64])
    func wrongLengths(_ count: Int) {
        expectCode(.invalidKeyLength) { try SigningKeyPair(seed: .random(count: count)) }
        expectCode(.invalidKeyLength) { try SigningPublicKey(rawRepresentation: Data(count: count)) }
        expectCode(.invalidKeyLength) { try BoxPublicKey(rawRepresentation: Data(count: count)) }
        expectCode(.invalidKeyLength) { try BoxKeyPair(secretKey: .random(count: count)) }
    }
}

@Suite("X25519 sealed boxes")
struct SealedBoxTests {
    @Test("seal to a key; only that key opens it")
    func roundTrip() throws {
        let recipient = BoxKeyPair()
        let secret = SecretBytes.random(count: 32)
        let sealed = SealedBox.seal(secret, to: recipient.publicKey)
        #expect(sealed.count == 80)
        #expect(try SealedBox.open(sealed, with: recipient) == secret)
        expectCode(.authenticationFailure) { try SealedBox.open(sealed, with: BoxKeyPair()) }
        var altered = sealed
        altered[40] ^= 0x80
        expectCode(.authenticationFailure) { try SealedBox.open(altered, with: recipient) }
        expectCode(.authenticationFailure) { try SealedBox.open(sealed.prefix(47), with: recipient) }
    }

    @Test("a key pair rebuilt from its secret key has the same public key")
    func rebuild() throws {
        let pair = BoxKeyPair()
        #expect(try BoxKeyPair(secretKey: pair.secretKey).publicKey == pair.publicKey)
    }
}

@Suite("XChaCha20-Poly1305")
struct AEADTests {
    @Test("round trip; wrong key, nonce, associated data or byte fails")
    func roundTrip() throws {
        let key = XChaCha20Poly1305.generateKey(), nonce = XChaCha20Poly1305.generateNonce()
        let plaintext = Data("Вимикач — 開關 — مفتاح".utf8), ad = Data("header".utf8)
        let sealed = try XChaCha20Poly1305.seal(plaintext, authenticating: ad, key: key, nonce: nonce)
        #expect(sealed.count == plaintext.count + 16)
        #expect(try XChaCha20Poly1305.open(sealed, authenticating: ad, key: key, nonce: nonce) == plaintext)
        expectCode(.authenticationFailure) { try XChaCha20Poly1305.open(sealed, authenticating: Data("other".utf8), key: key, nonce: nonce) }
        expectCode(.authenticationFailure) {
            try XChaCha20Poly1305.open(sealed, authenticating: ad, key: XChaCha20Poly1305.generateKey(), nonce: nonce)
        }
        expectCode(.authenticationFailure) {
            try XChaCha20Poly1305.open(sealed, authenticating: ad, key: key, nonce: XChaCha20Poly1305.generateNonce())
        }
        for index in [0, sealed.count / 2, sealed.count - 1] {
            var altered = sealed
            altered[index] ^= 1
            expectCode(.authenticationFailure) { try XChaCha20Poly1305.open(altered, authenticating: ad, key: key, nonce: nonce) }
        }
        expectCode(.authenticationFailure) { try XChaCha20Poly1305.open(sealed.prefix(15), authenticating: ad, key: key, nonce: nonce) }
    }

    @Test("bad key and nonce lengths are typed errors")
    func lengths() {
        expectCode(.invalidKeyLength) {
            try XChaCha20Poly1305.seal(Data(), authenticating: Data(), key: .random(count: 16), nonce: Data(count: 24))
        }
        expectCode(.invalidInputLength) {
            try XChaCha20Poly1305.seal(Data(), authenticating: Data(), key: .random(count: 32), nonce: Data(count: 12))
        }
    }
}

@Suite("SHA-256")
struct SHA256Tests {
    @Test("known answers (FIPS 180-2)")
    func knownAnswers() {
        #expect(SHA256.hash(Data("abc".utf8)).lowercaseHex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash(Data()).lowercaseHex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("incremental equals one-shot, secrets included")
    func incremental() {
        var hasher = SHA256()
        hasher.update(Data("ab".utf8))
        hasher.update(SecretBytes(copying: Data("c".utf8)))
        #expect(hasher.finalize() == SHA256.hash(Data("abc".utf8)))
    }
}

@Suite("Password-protected keys (Argon2id + secretbox)")
struct PasswordBoxTests {
    let passphrase = SecretBytes(copying: Data("correct horse battery staple".utf8))

    @Test("round trip at test limits; wrong passphrase and tampering fail")
    func roundTrip() throws {
        let secret = SecretBytes.random(count: 32)
        let blob = try PasswordBox.seal(secret, passphrase: passphrase, limits: .insecureForTestsOnly)
        #expect(try PasswordBox.open(blob, passphrase: passphrase) == secret)
        expectCode(.authenticationFailure) {
            try PasswordBox.open(blob, passphrase: SecretBytes(copying: Data("wrong".utf8)))
        }
        var altered = blob
        altered[altered.count - 1] ^= 1
        expectCode(.authenticationFailure) { try PasswordBox.open(altered, passphrase: passphrase) }
        expectCode(.unsupportedFormat) { try PasswordBox.open(Data("nonsense".utf8), passphrase: passphrase) }
        expectCode(.unsupportedFormat) { try PasswordBox.open(blob.prefix(40), passphrase: passphrase) }
    }

    @Test("a blob asking for absurd limits is refused before any work")
    func absurdLimits() throws {
        var blob = try PasswordBox.seal(.random(count: 32), passphrase: passphrase, limits: .insecureForTestsOnly)
        for i in 13..<21 { blob[i] = 0xFF }  // memlimit: 2^64 - 1
        expectCode(.unsupportedFormat) { try PasswordBox.open(blob, passphrase: passphrase) }
    }

    @Test("MODERATE limits, as used for real keys, round-trip")
    func moderate() throws {
        let secret = SecretBytes.random(count: 32)
        let blob = try PasswordBox.seal(secret, passphrase: passphrase, limits: .moderate)
        #expect(try PasswordBox.open(blob, passphrase: passphrase) == secret)
        #expect(PasswordHashLimits.moderate.memoryBytes == 256 << 20)
    }
}

/// Expects `body` to throw a `SodiumError` with `code`.
func expectCode<R>(
    _ code: SodiumError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R
) {
    let error = #expect(throws: SodiumError.self, sourceLocation: sourceLocation) { _ = try body() }
    #expect(error?.code == code, sourceLocation: sourceLocation)
}
