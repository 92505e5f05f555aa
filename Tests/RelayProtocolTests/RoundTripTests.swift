import Foundation
import RelayProtocol
import Sodium
import Testing

/// A sender, its recipients and their keys, made fresh for a test.
struct Cast {
    let sender = SigningKeyPair()
    let senderID: POCID
    let recipients: [(id: POCID, keys: BoxKeyPair)]

    init(recipientCount: Int) throws {
        senderID = try POCID("FRA-TEC-1")
        recipients = try (0..<recipientCount).map { (try POCID("R-\($0)"), BoxKeyPair()) }
    }

    var directory: [POCID: BoxPublicKey] {
        Dictionary(uniqueKeysWithValues: recipients.map { ($0.id, $0.keys.publicKey) })
    }

    func message(subject: String = "s", body: String, urgency: Urgency = .flash, exercise: Bool = false) -> InnerMessage {
        InnerMessage(
            from: senderID, to: recipients.map(\.id), urgency: urgency, exercise: exercise, type: .notice,
            subject: subject, body: body)
    }
}

/// Text in the six UN scripts, with combining marks and a 4-byte emoji.
let unScripts = [
    "Incident signalé — réponse attendue",  // fr
    "Incidente notificado; señal de socorro",  // es
    "Инцидент в сети: требуется ответ",  // ru
    "事件报告：请尽快答复",  // zh
    "تم الإبلاغ عن حادث: يرجى الرد",  // ar
    "Incident reported 🛰️ e\u{301}",  // en with combining mark and emoji
]

@Suite("Seal and open round trips")
struct RoundTripTests {
    @Test("random recipient counts and bodies up to 1 MiB open for every recipient", arguments: [1, 2, 7, 64, 193, 512])
    func roundTrip(_ count: Int) throws {
        let cast = try Cast(recipientCount: count)
        var generator = SystemRandomNumberGenerator()
        let size = count == 512 ? 1 << 20 - 4096 : Int.random(in: 0...(1 << 20 - 4096), using: &generator)
        let text = String(repeating: unScripts.randomElement(using: &generator)! + "\n", count: max(1, size / 64))
        let inner = cast.message(subject: unScripts.joined(separator: " | "), body: String(text.prefix(size)))
        let envelope = try Envelope.seal(inner, signer: cast.sender, recipientKeys: cast.directory)
        try envelope.validateForSubmission(limits: .defaults)
        let reparsed = try Envelope.parse(WireJSON.encode(envelope))
        #expect(reparsed == envelope)
        // Every recipient for small casts; a sample of 16 for large ones keeps the test quick.
        for recipient in count <= 16 ? cast.recipients : Array(cast.recipients.shuffled().prefix(16)) {
            let opened = try reparsed.open(as: recipient.id, with: recipient.keys, senderKey: cast.sender.publicKey)
            #expect(opened.inner == inner)
            #expect(try InnerMessage.parse(opened.innerBytes) == inner)
        }
    }

    @Test("each UN script survives sealing intact", arguments: unScripts)
    func scripts(_ text: String) throws {
        let cast = try Cast(recipientCount: 1)
        let inner = cast.message(subject: text, body: text)
        let envelope = try Envelope.seal(inner, signer: cast.sender, recipientKeys: cast.directory)
        let r = cast.recipients[0]
        let opened = try envelope.open(as: r.id, with: r.keys, senderKey: cast.sender.publicKey)
        #expect(opened.inner.subject == text)
        #expect(opened.inner.body == text)
    }

    @Test("a stranger with no wrapped key, or a wrong sender key, cannot open")
    func strangers() throws {
        let cast = try Cast(recipientCount: 2)
        let envelope = try Envelope.seal(cast.message(body: "x"), signer: cast.sender, recipientKeys: cast.directory)
        let r = cast.recipients[0]
        let notRecipient = #expect(throws: OpenFailure.self) {
            try envelope.open(as: try POCID("DEU-TEC-9"), with: BoxKeyPair(), senderKey: cast.sender.publicKey)
        }
        #expect(notRecipient?.code == .notARecipient)
        let forged = #expect(throws: OpenFailure.self) {
            try envelope.open(as: r.id, with: r.keys, senderKey: SigningKeyPair().publicKey)
        }
        #expect(forged?.code == .badSignature)
        let wrongKeys = #expect(throws: OpenFailure.self) { try envelope.open(as: r.id, with: BoxKeyPair(), senderKey: cast.sender.publicKey) }
        #expect(wrongKeys?.code == .undecryptable)
    }

    @Test("sealing refuses a recipient without a key")
    func missingKey() throws {
        let cast = try Cast(recipientCount: 2)
        var keys = cast.directory
        keys.removeValue(forKey: cast.recipients[1].id)
        #expect(throws: WireError.self) { try Envelope.seal(cast.message(body: "x"), signer: cast.sender, recipientKeys: keys) }
    }
}

@Suite("Truncated and bit-flipped inputs")
struct TamperTests {
    @Test("every single-bit flip in body, wrapped key and commitment is rejected")
    func bitFlips() throws {
        let cast = try Cast(recipientCount: 2)
        let envelope = try Envelope.seal(cast.message(body: "Scanning from 192.0.2.0/24"), signer: cast.sender, recipientKeys: cast.directory)
        let r = cast.recipients[0]
        var rejected = 0
        for bit in 0..<(envelope.body.count * 8) {
            var e = envelope
            e.body[bit / 8] ^= UInt8(1 << (bit % 8))
            if (try? e.open(as: r.id, with: r.keys, senderKey: cast.sender.publicKey)) == nil { rejected += 1 }
        }
        #expect(rejected == envelope.body.count * 8)
        for bit in 0..<(80 * 8) {
            var e = envelope
            e.keys[r.id]![bit / 8] ^= UInt8(1 << (bit % 8))
            #expect((try? e.open(as: r.id, with: r.keys, senderKey: cast.sender.publicKey)) == nil)
        }
        for bit in 0..<(32 * 8) {
            var e = envelope
            e.commitment[bit / 8] ^= UInt8(1 << (bit % 8))
            let failure = #expect(throws: OpenFailure.self) { try e.open(as: r.id, with: r.keys, senderKey: cast.sender.publicKey) }
            #expect(failure?.code == .commitmentMismatch)
        }
    }

    @Test("every truncation of the body is rejected")
    func truncations() throws {
        let cast = try Cast(recipientCount: 1)
        let envelope = try Envelope.seal(cast.message(body: "short"), signer: cast.sender, recipientKeys: cast.directory)
        let r = cast.recipients[0]
        for length in 0..<envelope.body.count {
            var e = envelope
            e.body = envelope.body.prefix(length)
            #expect((try? e.open(as: r.id, with: r.keys, senderKey: cast.sender.publicKey)) == nil)
        }
    }

    @Test("every truncation of the envelope JSON fails to parse, without crashing")
    func jsonTruncations() throws {
        let cast = try Cast(recipientCount: 2)
        let json = try WireJSON.encode(try Envelope.seal(cast.message(body: "x"), signer: cast.sender, recipientKeys: cast.directory))
        for length in 0..<json.count {
            #expect(throws: (any Error).self) { try Envelope.parse(json.prefix(length)) }
        }
        #expect(try Envelope.parse(json).body.count > 0)
    }

    @Test("random byte flips in the envelope JSON never crash the parser or open wrongly")
    func jsonFlips() throws {
        let cast = try Cast(recipientCount: 2)
        let original = try Envelope.seal(cast.message(body: "payload"), signer: cast.sender, recipientKeys: cast.directory)
        let json = try WireJSON.encode(original)
        let r = cast.recipients[0]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var mutated = json
            let index = Int.random(in: 0..<mutated.count, using: &generator)
            mutated[index] = UInt8.random(in: 0...255, using: &generator)
            guard let e = try? Envelope.parse(mutated), e != original else { continue }
            // A changed envelope that still parses must not open as the original message.
            if let opened = try? e.open(as: r.id, with: r.keys, senderKey: cast.sender.publicKey) {
                #expect(opened.envelope.id == original.id && opened.envelope.body == original.body)
            }
        }
    }
}
