import CSodium
import Foundation
import RelayProtocol
import Sodium

/// Seal+sign and open+verify of a 2 KiB message through `RelayProtocol`,
/// against the same libsodium calls made directly, in the same run.
struct CryptoBenchmark {
    let runs: Int
    let secondsPerRun: Double
    let recipientCounts = [1, 10, 193]

    struct Row: Codable {
        let operation: String
        let recipients: Int
        let wrapperPerSecond: Summary
        let rawPerSecond: Summary
        /// Wrapper time over raw time, from the medians (1.00 = no overhead).
        let ratio: Double
    }

    struct Report {
        let rows: [Row]
        var table: String {
            var lines = [
                "crypto: 2 KiB message, medians (min-max) of runs, operations per second",
                "  open+verify: the crypto of 4.4 through Sodium; open+check: Envelope.open, adding the inner JSON parse and header checks",
                "operation      recipients   wrapper/s (min-max)            raw/s (min-max)                wrapper time / raw",
            ]
            for r in rows {
                lines.append(
                    r.operation.padding(toLength: 15, withPad: " ", startingAt: 0)
                        + String(r.recipients).padding(toLength: 13, withPad: " ", startingAt: 0)
                        + "\(format(r.wrapperPerSecond.median)) (\(format(r.wrapperPerSecond.min))-\(format(r.wrapperPerSecond.max)))".padding(
                            toLength: 31, withPad: " ", startingAt: 0)
                        + "\(format(r.rawPerSecond.median)) (\(format(r.rawPerSecond.min))-\(format(r.rawPerSecond.max)))".padding(
                            toLength: 31, withPad: " ", startingAt: 0)
                        + format(r.ratio, 3))
            }
            return lines.joined(separator: "\n")
        }
        var json: Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return (try? encoder.encode(rows)) ?? Data()
        }
    }

    func run() -> Report {
        var rows: [Row] = []
        for count in recipientCounts {
            let fixture = Fixture(recipients: count)
            var sealWrapper: [Double] = [], sealRaw: [Double] = [], openWrapper: [Double] = [], openRaw: [Double] = []
            var openFull: [Double] = []
            for _ in 0..<runs {  // interleaved, so drift hits both sides alike
                sealWrapper.append(operationsPerSecond(seconds: secondsPerRun) { _ = fixture.sealWithWrapper() })
                sealRaw.append(operationsPerSecond(seconds: secondsPerRun) { _ = fixture.sealRaw() })
                openWrapper.append(operationsPerSecond(seconds: secondsPerRun) { fixture.openWithWrapper() })
                openRaw.append(operationsPerSecond(seconds: secondsPerRun) { fixture.openRaw() })
                openFull.append(operationsPerSecond(seconds: secondsPerRun) { fixture.openEnvelope() })
            }
            for (name, w, r) in [
                ("seal+sign", sealWrapper, sealRaw), ("open+verify", openWrapper, openRaw),
                ("open+check", openFull, openRaw),
            ] {
                let ws = Summary(w), rs = Summary(r)
                rows.append(Row(operation: name, recipients: count, wrapperPerSecond: ws, rawPerSecond: rs, ratio: rs.median / ws.median))
            }
        }
        return Report(rows: rows)
    }
}

/// One sender, `recipients` recipients, and a 2 KiB inner message.
struct Fixture {
    let sender = SigningKeyPair()
    let ids: [POCID]
    let boxKeys: [BoxKeyPair]
    let directory: [POCID: BoxPublicKey]
    let inner: InnerMessage
    let innerBytes: Data
    let envelope: Envelope

    init(recipients: Int) {
        ids = (0..<recipients).map { try! POCID("R-\($0)") }
        boxKeys = (0..<recipients).map { _ in BoxKeyPair() }
        directory = Dictionary(uniqueKeysWithValues: zip(ids, boxKeys.map(\.publicKey)))
        var message = InnerMessage(from: try! POCID("FRA-TEC-1"), to: ids, urgency: .flash, type: .notice, subject: "bench", body: "")
        let overhead = (try! message.serialized()).count
        message.body = String(repeating: "x", count: max(0, 2048 - overhead))
        inner = message
        innerBytes = try! message.serialized()
        envelope = try! Envelope.seal(inner, signer: sender, recipientKeys: directory)
    }

    func sealWithWrapper() -> Envelope {
        try! Envelope.seal(
            innerBytes: innerBytes, id: inner.id, from: inner.from, to: inner.to, urgency: inner.urgency,
            exercise: inner.exercise, signer: sender, recipientKeys: directory)
    }

    /// The crypto of section 4.4 through the `Sodium` wrapper: unwrap the
    /// key, check the commitment, decrypt, verify the signature.
    func openWithWrapper() {
        let key = try! SealedBox.open(envelope.keys[ids[0]]!, with: boxKeys[0])
        guard constantTimeEqual(Envelope.commitment(to: key), envelope.commitment) else { fatalError("commitment") }
        let nonce = envelope.body.prefix(XChaCha20Poly1305.nonceByteCount)
        let plaintext = try! XChaCha20Poly1305.open(
            envelope.body.dropFirst(XChaCha20Poly1305.nonceByteCount), authenticating: envelope.associatedData, key: key, nonce: nonce)
        guard sender.publicKey.isValidSignature(plaintext.prefix(64), for: DomainSeparation.message + plaintext.dropFirst(64)) else {
            fatalError("verify")
        }
    }

    /// All of section 4.4 through `Envelope.open`: the crypto, then parsing
    /// the inner JSON and checking it against the header.
    func openEnvelope() {
        _ = try! envelope.open(as: ids[0], with: boxKeys[0], senderKey: sender.publicKey)
    }

    /// The same libsodium calls as sealing, made directly on byte arrays.
    func sealRaw() -> Int {
        let signed = [UInt8](DomainSeparation.message + innerBytes)
        var sk = [UInt8](repeating: 0, count: 64), pk = [UInt8](repeating: 0, count: 32)
        sender.seed.withUnsafeBytes { seed in
            _ = crypto_sign_seed_keypair(&pk, &sk, seed.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        var plaintext = [UInt8](repeating: 0, count: 64 + innerBytes.count)
        _ = crypto_sign_detached(&plaintext, nil, signed, UInt64(signed.count), sk)
        plaintext.replaceSubrange(64..., with: innerBytes)
        var key = [UInt8](repeating: 0, count: 32), nonce = [UInt8](repeating: 0, count: 24)
        randombytes_buf(&key, 32)
        randombytes_buf(&nonce, 24)
        let ad = [UInt8](envelope.associatedData)
        var body = [UInt8](repeating: 0, count: plaintext.count + 16)
        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(&body, nil, plaintext, UInt64(plaintext.count), ad, UInt64(ad.count), nil, nonce, key)
        var total = body.count
        var wrapped = [UInt8](repeating: 0, count: 80)
        for recipient in boxKeys {
            let rpk = [UInt8](recipient.publicKey.rawRepresentation)
            _ = crypto_box_seal(&wrapped, key, 32, rpk)
            total += wrapped.count
        }
        var commitment = [UInt8](repeating: 0, count: 32)
        let kc = [UInt8](DomainSeparation.keyCommitment) + key
        _ = crypto_hash_sha256(&commitment, kc, UInt64(kc.count))
        sodium_memzero(&key, 32)
        sodium_memzero(&sk, 64)
        return total + Int(commitment[0])
    }

    /// The same libsodium calls as opening, made directly on byte arrays.
    func openRaw() {
        let wrapped = [UInt8](envelope.keys[ids[0]]!)
        let rpk = [UInt8](boxKeys[0].publicKey.rawRepresentation)
        var rsk = [UInt8](repeating: 0, count: 32)
        boxKeys[0].secretKey.withUnsafeBytes { rsk = [UInt8]($0) }
        var key = [UInt8](repeating: 0, count: 32)
        guard crypto_box_seal_open(&key, wrapped, 80, rpk, rsk) == 0 else { fatalError("raw open failed") }
        var commitment = [UInt8](repeating: 0, count: 32)
        let kc = [UInt8](DomainSeparation.keyCommitment) + key
        _ = crypto_hash_sha256(&commitment, kc, UInt64(kc.count))
        guard sodium_memcmp(commitment, [UInt8](envelope.commitment), 32) == 0 else { fatalError("raw commitment") }
        let body = [UInt8](envelope.body)
        let ad = [UInt8](envelope.associatedData)
        var plaintext = [UInt8](repeating: 0, count: body.count - 24 - 16)
        guard
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                &plaintext, nil, nil, Array(body[24...]), UInt64(body.count - 24), ad, UInt64(ad.count), Array(body[..<24]), key) == 0
        else { fatalError("raw decrypt failed") }
        let signed = [UInt8](DomainSeparation.message) + plaintext[64...]
        let spk = [UInt8](sender.publicKey.rawRepresentation)
        guard crypto_sign_verify_detached(Array(plaintext[..<64]), signed, UInt64(signed.count), spk) == 0 else { fatalError("raw verify failed") }
        sodium_memzero(&key, 32)
        sodium_memzero(&rsk, 32)
    }
}
